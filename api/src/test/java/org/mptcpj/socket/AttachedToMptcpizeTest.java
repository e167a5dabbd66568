package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.Require;

/**
 * Attaching to JDK channels that mptcpize (LD_PRELOAD, from mptcpd) made MPTCP: the library sees
 * MPTCP and a multipath connection; the same program without mptcpize is TCP.
 */
class AttachedToMptcpizeTest {
    @Test
    void attachSeesWhatMptcpizeDid() throws Exception {
        Require.that(Commands.works("mptcpize", "run", "true"), "mptcpize (Debian package mptcpd) is not installed");
        assertEquals("listener mptcp true, accepted multipath true", probe(true));
        assertEquals("listener mptcp false, accepted multipath false", probe(false));
    }

    private static String probe(boolean mptcpize) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (mptcpize) {
            cmd.addAll(List.of("mptcpize", "run"));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MptcpizeProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), cmd + " printed:\n" + out);
        return out.substring(out.lastIndexOf('\n') + 1);
    }
}
