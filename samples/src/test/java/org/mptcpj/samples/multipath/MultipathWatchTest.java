package org.mptcpj.samples.multipath;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The watch on a short timeline (cut at 1 s by 100% loss, the subflow dead about 3.5 s later,
 * path back at 6 s, announced again at 7 s, end at 8 s): the stream arrives intact, the dead
 * subflow is reported closed, and a new one is established after the announcement.
 */
class MultipathWatchTest {
    @Test
    void shortWatchShowsTheCutAndTheReturn() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so this cannot be skipped: the multipath watch needs root");
            }
            assumeTrue(false, "the multipath watch needs root (network namespaces)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean intact = new MultipathWatch(out, "--cut", "loss", "--cut-at", "1", "--restore-at", "6",
                "--duration", "8").run();
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(intact, text);
        assertTrue(text.contains("every byte arrived, in order"), text);
        int cut = text.indexOf(">>> cutting path 1");
        int closed = text.indexOf("event  SUB_CLOSED", cut);
        int announced = text.indexOf(">>> server announces", closed);
        assertTrue(cut >= 0 && closed > cut && announced > closed, text);
        assertTrue(text.indexOf("event  SUB_ESTABLISHED", announced) > announced, text);
    }
}
