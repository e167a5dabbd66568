package org.mptcpj.samples.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.samples.chart.ChartData;

/**
 * The watch on a short timeline (cut at 1 s by 100% loss, the subflow dead about 3.5 s later,
 * path back at 6 s, announced again at 7 s, end at 8 s): the stream arrives intact, the dead
 * subflow is reported closed, and a new one is established after the announcement. Its chart is
 * well-formed XML and holds exactly what it printed: each subflow's and the total rate per second,
 * the cut, restore and announcement as markers, the events as ticks.
 */
class MultipathWatchTest {
    private static final Pattern RECEIVED = Pattern.compile("^ *(\\d+\\.\\d+)s  received [\\d,]+ bytes \\(([\\d.]+) Mbit/s\\)");
    private static final Pattern SUBFLOW = Pattern.compile("^ +(sf \\d+  \\S+ -> \\S+)  .*\\(([\\d.]+) Mbit/s\\)");
    private static final Pattern MARKER = Pattern.compile("^ *(\\d+\\.\\d+)s  >>> ");
    private static final Pattern EVENT = Pattern.compile("^ *(\\d+\\.\\d+)s  event  ");

    @TempDir
    Path dir;

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
        Path svg = dir.resolve("watch.svg");
        boolean intact = new MultipathWatch(out, "--cut", "loss", "--cut-at", "1", "--restore-at", "6",
                "--duration", "8", "--chart", svg.toString()).run();
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(intact, text);
        assertTrue(text.contains("every byte arrived, in order"), text);
        int cut = text.indexOf(">>> cutting path 1");
        int closed = text.indexOf("event  SUB_CLOSED", cut);
        int announced = text.indexOf(">>> server announces", closed);
        assertTrue(cut >= 0 && closed > cut && announced > closed, text);
        assertTrue(text.indexOf("event  SUB_ESTABLISHED", announced) > announced, text);

        // The chart: what was printed, nothing else.
        Map<String, List<List<String>>> printed = new LinkedHashMap<>();
        List<Double> markers = new ArrayList<>();
        List<Double> events = new ArrayList<>();
        String second = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("chart: ")) {
                break; // events after this (the connection closing) are not in the chart
            }
            Matcher m;
            if ((m = RECEIVED.matcher(line)).find()) {
                second = m.group(1);
                printed.computeIfAbsent("received (all subflows)", k -> new ArrayList<>()).add(List.of(second, m.group(2)));
            } else if ((m = SUBFLOW.matcher(line)).find()) {
                printed.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(List.of(second, m.group(2)));
            } else if ((m = MARKER.matcher(line)).find()) {
                markers.add(Double.parseDouble(m.group(1)));
            } else if ((m = EVENT.matcher(line)).find()) {
                events.add(Double.parseDouble(m.group(1)));
            }
        }
        ChartData chart = ChartData.read(svg);
        assertEquals(8, printed.get("received (all subflows)").size(), text);
        assertTrue(printed.size() >= 3, "the total and at least two subflows: " + printed.keySet());
        assertEquals(printed, chart.series());
        assertEquals(3, markers.size(), text);
        assertEquals(markers, chart.markers());
        assertEquals(events, chart.ticks());
    }
}
