package org.mptcpj.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe class in a child JVM with this JVM's java and class path, behind a command prefix
 * that changes what the child may do ({@code setpriv}, {@code prlimit}, ...).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code prefix... java -cp CLASSPATH main args...}, echoes its output, and asserts that it
     * exited 0 within 30 s; {@return its output, standard error merged}
     */
    public static String run(List<String> prefix, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child still running");
        } finally {
            p.destroyForcibly();
        }
        System.out.print(out);
        assertEquals(0, p.exitValue(), "child failed:\n" + out);
        return out;
    }
}
