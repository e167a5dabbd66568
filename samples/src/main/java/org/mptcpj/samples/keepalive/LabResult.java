package org.mptcpj.samples.keepalive;

import java.util.Locale;

/** What one side of one lab connection saw after the cut. */
record LabResult(LabScenario scenario, String side, Double detectedSeconds, String errno, int probesKernel,
                 Integer probesWire, String verdict) {
    /** How far from idle + count x interval a detection may be and still be textbook. */
    static final double EARLY_TOLERANCE = 0.5;
    static final double LATE_TOLERANCE = 1.5;

    static String verdict(double expected, Double detected, String errno) {
        if (detected == null) {
            return "never";
        }
        if (detected < expected - EARLY_TOLERANCE) {
            return "early";
        }
        if (detected > expected + LATE_TOLERANCE || !"ETIMEDOUT".equals(errno)) {
            return "late";
        }
        return "textbook";
    }

    /** {@return an expected time as the tool prints it (table, JSON, chart)} */
    static String expectedText(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    /** {@return a measured time as the tool prints it (table, JSON, chart)} */
    static String detectedText(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    boolean acceptable() {
        return !scenario.expectTextbook() || "textbook".equals(verdict);
    }

    String json() {
        KeepaliveParams p = scenario.params();
        return String.format(Locale.ROOT,
                "{\"scenario\":\"%s\",\"protocol\":\"%s\",\"set\":\"%s\",\"side\":\"%s\",\"watchdog\":%s,"
                        + "\"idle_s\":%d,\"interval_s\":%d,\"count\":%d,\"expected_s\":%s,\"detected_s\":%s,"
                        + "\"errno\":%s,\"probes_kernel\":%d,\"probes_wire\":%s,\"verdict\":\"%s\"}",
                scenario.name(side), scenario.protocol().label, scenario.set(), side, scenario.watchdog(), p.idle(),
                p.interval(), p.count(), expectedText(p.expectedSeconds()),
                detectedSeconds == null ? "null" : detectedText(detectedSeconds),
                errno == null ? "null" : "\"" + errno + "\"", probesKernel, probesWire == null ? "null" : probesWire,
                verdict);
    }

    String row() {
        KeepaliveParams p = scenario.params();
        return String.format(Locale.ROOT, "| %-14s | %-14s | %-6s | %-8s | %2d/%d/%2d | %5s | %8s | %-9s | %2d | %4s | %-8s |",
                scenario.protocol().label, scenario.set(), side, scenario.watchdog() ? "on" : "off", p.idle(), p.count(),
                p.interval(), expectedText(p.expectedSeconds()),
                detectedSeconds == null ? "-" : detectedText(detectedSeconds),
                errno == null ? "-" : errno, probesKernel, probesWire == null ? "-" : probesWire.toString(), verdict);
    }

    static final String HEADER = """
            | protocol       | set            | side   | watchdog | idle/c/iv | exp s | detected | errno     | kp | wire | verdict  |
            |----------------|----------------|--------|----------|-----------|-------|----------|-----------|----|------|----------|""";
}
