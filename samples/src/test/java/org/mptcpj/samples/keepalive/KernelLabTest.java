package org.mptcpj.samples.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.samples.keepalive.LabScenario.Protocol;

/**
 * The keepalive lab, scaled down for the kernel matrix (--scale 0.1: idle/interval 1 s, 1 s and
 * 6 s, 1 s; the default 10 s wait margin), on whichever kernel runs it: every row expected on the textbook schedule
 * (TCP, MPTCP with the dead-peer watchdog, MPTCP falling back to TCP) is textbook, and keepalive set
 * before connect sends its probes on MPTCP too (seed 000; tcpdump counts them when installed). The
 * rows go to {@code lab.json} in the directory named by {@code -Dmptcpj.kernel.results} (default
 * {@code target}), for the matrix table.
 */
@Tag("kernel")
class KernelLabTest {
    @Test
    void mptcpRowsWithAndWithoutTheWatchdog() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so this cannot be skipped: the keepalive lab needs root");
            }
            assumeTrue(false, "the keepalive lab needs root (network namespaces)");
        }
        TesterOptions options = TesterOptions.parse(new String[] {"--lab", "--json", "--scale", "0.1"});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<LabResult> results = new KeepaliveLab(options, System.out,
                new PrintStream(progress, true, StandardCharsets.UTF_8)).measure();
        String json = results.stream().map(LabResult::json).collect(Collectors.joining("\n", "", "\n"));
        // Under Maven the working directory is the module's: target/lab.json, where .ci/run collects it.
        Files.writeString(Path.of(System.getProperty("mptcpj.kernel.results", "target"), "lab.json"), json);
        System.out.print(json);
        StringBuilder wrong = new StringBuilder();
        for (LabResult r : results) {
            LabScenario s = r.scenario();
            if (s.expectTextbook() && !"textbook".equals(r.verdict())) {
                wrong.append(r.json()).append('\n');
            }
            if (!s.expectTextbook()) { // MPTCP without the watchdog: the kernel's own late verdict
                assertEquals(Protocol.MPTCP, s.protocol());
                assertTrue(r.verdict().equals("never") || r.verdict().equals("late"), r.json());
            }
            if (s.protocol() != Protocol.TCP && !s.afterConnect()) { // seed 000: set before connect, probes go out
                // Re-applied on a kernel that had armed it already, nothing changes: at most count probes.
                assertTrue(r.probesKernel() >= s.params().count() - 1 && r.probesKernel() <= s.params().count(),
                        "tcpi_probes: " + r.json());
                if (r.probesWire() != null) {
                    assertTrue(r.probesWire() >= s.params().count() - 1, "probes on the wire: " + r.json());
                }
            }
        }
        assertTrue(wrong.isEmpty(), "rows expected on the textbook schedule that were not:\n" + wrong);
    }
}
