package org.mptcpj.samples.keepalive;

import java.util.List;
import java.util.Locale;
import org.mptcpj.samples.chart.SvgChart.Style;
import org.mptcpj.samples.chart.SvgChart;

/**
 * The lab's results as a chart: one row per side of each scenario, its expected detection time
 * (idle + count x interval) as a hollow diamond, and what it measured as a dot: green when
 * textbook, red when late or early, and a red dot at the wait limit marked "never" when nothing was
 * reported. MPTCP without the dead-peer watchdog is the red column at the right.
 */
final class LabChart {
    private LabChart() {
    }

    static SvgChart of(List<LabResult> results, double waitLimit) {
        List<String> rows = results.stream().map(r -> r.scenario().name(r.side())).toList();
        SvgChart chart = new SvgChart("Keepalive lab: when each side learned that its peer was dead",
                SvgChart.Axis.numeric("seconds after the last activity (the path was cut right after it)", 0,
                        Math.ceil(waitLimit * 1.15)),
                SvgChart.Axis.categories("scenario", rows));
        SvgChart.Series textbook = chart.series("detected: textbook (ETIMEDOUT on time)", Style.DOT, "#2ca02c");
        SvgChart.Series off = chart.series("detected: late or early", Style.DOT, "#d62728");
        SvgChart.Series never = chart.series("never: nothing within the wait limit", Style.DOT, "#8b0000");
        SvgChart.Series expected = chart.series("expected: idle + count x interval", Style.DIAMOND, "#333333"); // on top
        chart.marker(waitLimit, String.format(Locale.ROOT, "wait limit %.0f s", waitLimit));
        for (int i = 0; i < results.size(); i++) {
            LabResult r = results.get(i);
            double exp = r.scenario().params().expectedSeconds();
            expected.add(exp, i, LabResult.expectedText(exp), rows.get(i), null);
            Double d = r.detectedSeconds();
            if (d == null) {
                never.add(waitLimit, i, "never", rows.get(i), "never");
            } else {
                (r.verdict().equals("textbook") ? textbook : off).add(d, i, LabResult.detectedText(d), rows.get(i),
                        r.verdict().equals("textbook") ? null : r.verdict() + " " + r.errno());
            }
        }
        return chart;
    }
}
