package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.ChildJvm;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.NetNs;
import org.mptcpj.testing.Require;

/**
 * {@link MptcpPolicy#PREFERRED} falls back to TCP only when the kernel has no MPTCP, and says so
 * once per cause. A child JVM ({@link PolicyFallbackProbe}) runs with a low {@code RLIMIT_NOFILE}
 * ({@code prlimit}, util-linux) so that it can take every descriptor it may have: {@code EMFILE}
 * must come out of the MPTCP {@code socket(2)} call itself, not from a TCP retry.
 */
class PolicyFallbackTest {
    @Test
    void fallsBackOnlyWhenThereIsNoMptcpAndLogsOncePerCause() throws Exception {
        Require.that(Commands.works("prlimit", "--version"), "prlimit (util-linux) is not installed");
        try (NetNs ns = NetNs.create("fallback")) {
            ns.exec("sysctl", "-qw", "net.mptcp.enabled=0");
            String out = ChildJvm.run(List.of("prlimit", "--nofile=1024:1024"), PolicyFallbackProbe.class, ns.name());

            List<String> disabled = out.lines().filter(l -> l.startsWith("RESULT\tdisabled\t")).toList();
            assertEquals(List.of("RESULT\tdisabled\tfalse", "RESULT\tdisabled\tfalse", "RESULT\tdisabled\tfalse"),
                    disabled, out);
            long logged = out.lines().filter(l -> l.contains("MPTCP preferred but unavailable")).count();
            assertEquals(1, logged, "the fallback must be logged once per cause, not per socket:\n" + out);

            String emfile = out.lines().filter(l -> l.startsWith("RESULT\temfile\t")).findFirst().orElseThrow(
                    () -> new AssertionError(out));
            String[] f = emfile.split("\t");
            assertEquals("THROWN", f[2], emfile);
            assertEquals("EMFILE", f[3], emfile);
            assertTrue(f[4].contains("IPPROTO_MPTCP"), "EMFILE must be thrown from the MPTCP socket(2), "
                    + "without a TCP attempt: " + emfile);
        }
    }
}
