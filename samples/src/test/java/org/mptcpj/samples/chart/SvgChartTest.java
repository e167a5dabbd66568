package org.mptcpj.samples.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart writer on its own: well-formed whatever the labels hold, data kept as given, axes that fit. */
class SvgChartTest {
    @TempDir
    Path dir;

    @Test
    void writesWellFormedSvgWithTheDataAsGiven() throws Exception {
        SvgChart c = new SvgChart("a <title> & \"quotes\"", SvgChart.Axis.upTo("s", 0), SvgChart.Axis.upTo("Mbit/s", 0));
        c.series("sf 1  10.0.0.1:5 -> 10.0.0.2:6", SvgChart.Style.LINE, null)
                .add(1.0, 93.5, "1.00", "93.5", null).add(2.01, 0, "2.01", "0.0", "<dead>");
        c.marker(1.5, "cut & restore");
        c.tick(1.7, "SUB_CLOSED");
        Path f = dir.resolve("c.svg");
        c.write(f);
        ChartData d = ChartData.read(f);
        assertEquals(Map.of("sf 1  10.0.0.1:5 -> 10.0.0.2:6", List.of(List.of("1.00", "93.5"), List.of("2.01", "0.0"))),
                d.series());
        assertEquals(List.of(1.5), d.markers());
        assertEquals(List.of(1.7), d.ticks());
    }

    @Test
    void categoriesAndNiceTicks() throws Exception {
        SvgChart c = new SvgChart("rows", SvgChart.Axis.numeric("s", 0, 30),
                SvgChart.Axis.categories("scenario", List.of("a", "b")));
        c.series("expected", SvgChart.Style.DIAMOND, "#000").add(5, 0, "5.0", "a", null).add(7, 1, "7.0", "b", null);
        c.series("never", SvgChart.Style.DOT, "#f00").add(30, 1, "never", "b", "never");
        ChartData d = ChartData.read(write(c));
        assertEquals(List.of(List.of("never", "b")), d.series().get("never"));
        assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0), SvgChart.niceTicks(0, 30));
        assertTrue(SvgChart.niceTicks(0, 137.4).size() <= 9);
    }

    private Path write(SvgChart c) throws Exception {
        Path f = dir.resolve("c.svg");
        c.write(f);
        return f;
    }
}
