package org.mptcpj.samples.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.samples.chart.ChartData;

/**
 * The lab's chart (a short lab: scale 0.1, 3 s wait margin, so MPTCP without the watchdog shows as
 * "never"): well-formed XML whose rows hold exactly the expected and detected times the lab printed
 * as JSON, with the detections that were not textbook, and only those, in the red series.
 */
class KeepaliveLabChartTest {
    private static final Pattern JSON = Pattern.compile(
            "\"scenario\":\"([^\"]+)\".*\"expected_s\":([\\d.]+),\"detected_s\":([\\d.]+|null),.*\"verdict\":\"(\\w+)\"");

    @TempDir
    Path dir;

    @Test
    void chartHoldsWhatTheLabPrinted() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so this cannot be skipped: the keepalive lab needs root");
            }
            assumeTrue(false, "the keepalive lab needs root (network namespaces)");
        }
        Path svg = dir.resolve("lab.svg");
        TesterOptions options = TesterOptions.parse(new String[] {"--lab", "--json", "--scale", "0.1",
                "--wait-margin", "3", "--chart", svg.toString()});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new KeepaliveLab(options, new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run();
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.print(text);

        Map<String, String> expected = new TreeMap<>();
        Map<String, String> detected = new TreeMap<>();
        List<String> notTextbook = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = JSON.matcher(line);
            if (m.find()) {
                expected.put(m.group(1), m.group(2));
                detected.put(m.group(1), m.group(3).equals("null") ? "never" : m.group(3));
                if (!m.group(4).equals("textbook")) {
                    notTextbook.add(m.group(1));
                }
            }
        }
        assertEquals(48, expected.size(), text);
        assertTrue(notTextbook.size() >= 8, "MPTCP without the watchdog is late or never: " + notTextbook);

        ChartData chart = ChartData.read(svg);
        assertEquals(expected, rows(chart, "expected"));
        assertEquals(detected, rows(chart, "detected", "never"));
        assertEquals(notTextbook.stream().sorted().toList(),
                rows(chart, "detected: late", "never").keySet().stream().toList());
        assertEquals(1, chart.markers().size());
    }

    /** {@return row name to data-x of the points of every series whose name starts with one of {@code prefixes}} */
    private static Map<String, String> rows(ChartData chart, String... prefixes) {
        Map<String, String> rows = new TreeMap<>();
        chart.series().forEach((name, points) -> {
            for (String p : prefixes) {
                if (name.startsWith(p)) {
                    for (List<String> xy : points) {
                        if (rows.put(xy.get(1), xy.get(0)) != null) {
                            throw new AssertionError("row " + xy.get(1) + " twice in " + name);
                        }
                    }
                }
            }
        });
        return rows;
    }
}
