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

    boolean acceptable() {
        return !scenario.expectTextbook() || "textbook".equals(verdict);
    }

    String json() {
        KeepaliveParams p = scenario.params();
        return String.format(Locale.ROOT,
                "{\"scenario\":\"%s\",\"protocol\":\"%s\",\"set\":\"%s\",\"side\":\"%s\",\"watchdog\":%s,"
                        + "\"idle_s\":%d,\"interval_s\":%d,\"count\":%d,\"expected_s\":%.1f,\"detected_s\":%s,"
                        + "\"errno\":%s,\"probes_kernel\":%d,\"probes_wire\":%s,\"verdict\":\"%s\"}",
                scenario.name(side), scenario.protocol().label, scenario.set(), side, scenario.watchdog(), p.idle(),
                p.interval(), p.count(), p.expectedSeconds(),
                detectedSeconds == null ? "null" : String.format(Locale.ROOT, "%.2f", detectedSeconds),
                errno == null ? "null" : "\"" + errno + "\"", probesKernel, probesWire == null ? "null" : probesWire,
                verdict);
    }

    String row() {
        KeepaliveParams p = scenario.params();
        return String.format(Locale.ROOT, "| %-14s | %-14s | %-6s | %-8s | %2d/%d/%2d | %5.1f | %8s | %-9s | %2d | %4s | %-8s |",
                scenario.protocol().label, scenario.set(), side, scenario.watchdog() ? "on" : "off", p.idle(), p.count(),
                p.interval(), p.expectedSeconds(),
                detectedSeconds == null ? "-" : String.format(Locale.ROOT, "%.2f", detectedSeconds),
                errno == null ? "-" : errno, probesKernel, probesWire == null ? "-" : probesWire.toString(), verdict);
    }

    static final String HEADER = """
            | protocol       | set            | side   | watchdog | idle/c/iv | exp s | detected | errno     | kp | wire | verdict  |
            |----------------|----------------|--------|----------|-----------|-------|----------|-----------|----|------|----------|""";
}
