package org.mptcpj.samples.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcpj.samples.keepalive.LabScenario.Protocol;

/**
 * The keepalive lab for real (root, namespaces created and removed by the lab): TCP, MPTCP with the
 * watchdog and MPTCP falling back to TCP detect the dead peer on the textbook schedule, before- and
 * after-connect settings behave the same, and MPTCP without the watchdog is reported as the kernel
 * behaves (nothing within the wait limit on Linux 6.18).
 */
class KeepaliveLabTest {
    @Test
    void labShowsTextbookDetectionWhereExpected() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so this cannot be skipped: the keepalive lab needs root");
            }
            assumeTrue(false, "the keepalive lab needs root (network namespaces)");
        }
        TesterOptions options = TesterOptions.parse(new String[] {"--lab", "--json", "--scale", "0.2"});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<LabResult> results = new KeepaliveLab(options, System.out,
                new PrintStream(progress, true, StandardCharsets.UTF_8)).measure();
        results.forEach(r -> System.out.println(r.json()));
        assertEquals(48, results.size());
        for (LabResult r : results) {
            String what = r.json();
            if (r.scenario().expectTextbook()) {
                assertEquals("textbook", r.verdict(), what);
                assertEquals("ETIMEDOUT", r.errno(), what);
                assertTrue(r.probesKernel() >= r.scenario().params().count() - 1, "tcpi_probes: " + what);
                if (r.probesWire() != null) {
                    assertTrue(r.probesWire() >= r.scenario().params().count() - 1, "probes on the wire: " + what);
                }
            } else {
                assertEquals(Protocol.MPTCP, r.scenario().protocol());
                assertTrue(r.verdict().equals("never") || r.verdict().equals("late"), what);
            }
        }
        for (LabResult before : results) {
            for (LabResult after : results) {
                LabScenario b = before.scenario();
                LabScenario a = after.scenario();
                if (!b.afterConnect() && a.afterConnect() && a.protocol() == b.protocol() && a.watchdog() == b.watchdog()
                        && a.params().equals(b.params()) && a.equals(new LabScenario(b.protocol(), true, b.watchdog(), b.params()))
                        && after.side().equals(before.side())) {
                    assertEquals(before.verdict(), after.verdict(), "before vs after connect: " + b + " " + before.side());
                }
            }
        }
    }
}
