package org.mptcpj.samples.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A small chart written as SVG by hand (the samples' pictures: throughput over time, detection
 * times per scenario). The x axis is numeric; the y axis is numeric or a list of categories (one
 * row each). Data comes as series of points drawn as a line or as marks; vertical markers (a cut,
 * a restore, a limit) cross the plot, and ticks with labels along its top edge show events.
 *
 * <p>Every point carries the numbers the tool printed as {@code data-x}/{@code data-y} attributes
 * of its mark ({@code <g class="series" data-name="...">}), so the picture can be checked against
 * the tool's output, and a reader can inspect values in a browser.
 */
public final class SvgChart {
    /** How a series is drawn. */
    public enum Style {
        /** A polyline through the points, with a small dot on each. */
        LINE,
        /** A filled dot per point. */
        DOT,
        /** A hollow diamond per point. */
        DIAMOND
    }

    /**
     * One axis: numeric from {@code min} to {@code max} ({@code max} NaN: a tenth above the largest
     * value drawn on it), or categories (then min/max are ignored).
     */
    public record Axis(String label, double min, double max, List<String> categories) {
        /** A numeric axis. */
        public static Axis numeric(String label, double min, double max) {
            if (!(max > min)) {
                throw new IllegalArgumentException("axis " + label + ": max " + max + " must exceed min " + min);
            }
            return new Axis(label, min, max, null);
        }

        /** A numeric axis from {@code min} to a little above the largest value drawn on it. */
        public static Axis upTo(String label, double min) {
            return new Axis(label, min, Double.NaN, null);
        }

        Axis resolved(double largest) {
            if (categorical() || !Double.isNaN(max)) {
                return this;
            }
            double top = largest > min ? largest + (largest - min) * 0.1 : min + 1;
            return new Axis(label, min, top, null);
        }

        /** A category axis: category {@code i} is at position {@code i}. */
        public static Axis categories(String label, List<String> names) {
            return new Axis(label, -0.5, names.size() - 0.5, List.copyOf(names));
        }

        boolean categorical() {
            return categories != null;
        }
    }

    /** A point: where it is drawn, the numbers as printed, and an optional note written beside it. */
    public record Point(double x, double y, String xText, String yText, String note) {
    }

    /** A named series of points in one colour and style. */
    public static final class Series {
        private final String name;
        private final String color;
        private final Style style;
        private final List<Point> points = new ArrayList<>();

        private Series(String name, String color, Style style) {
            this.name = name;
            this.color = color;
            this.style = style;
        }

        /** Adds a point drawn at ({@code x}, {@code y}) whose printed values are {@code xText}, {@code yText}. */
        public Series add(double x, double y, String xText, String yText, String note) {
            points.add(new Point(x, y, xText, yText, note));
            return this;
        }

        public String name() {
            return name;
        }

        public List<Point> points() {
            return List.copyOf(points);
        }
    }

    private record Mark(double x, String label) {
    }

    private static final int WIDTH = 1000;
    private static final int ROW = 15;
    /** Height of one lane of labels (ticks above the plot, markers inside it). */
    private static final int LANE = 13;
    private static final int LEGEND_ROW = 16;
    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"};

    private final String title;
    private final Axis xAxis;
    private final Axis yAxis;
    // The axes of the picture being written (automatic bounds resolved); set by svg().
    private Axis x;
    private Axis y;
    private int tickLanes;
    private final List<Series> series = new ArrayList<>();
    private final List<Mark> markers = new ArrayList<>();
    private final List<Mark> ticks = new ArrayList<>();

    public SvgChart(String title, Axis x, Axis y) {
        if (x.categorical()) {
            throw new IllegalArgumentException("the x axis is numeric");
        }
        this.title = title;
        this.xAxis = x;
        this.yAxis = y;
    }

    /** {@return a new series; {@code color} null picks the next one of the palette} */
    public synchronized Series series(String name, Style style, String color) {
        Series s = new Series(name, color != null ? color : PALETTE[series.size() % PALETTE.length], style);
        series.add(s);
        return s;
    }

    /** A labelled vertical line across the plot at {@code x} (a cut, a restore, a limit). */
    public synchronized void marker(double at, String label) {
        markers.add(new Mark(at, label));
    }

    /** A labelled tick on the top edge of the plot at {@code x} (an event). */
    public synchronized void tick(double at, String label) {
        ticks.add(new Mark(at, label));
    }

    // ---------------------------------------------------------------- layout

    private int left() {
        return y.categorical() ? 40 + 7 * y.categories().stream().mapToInt(String::length).max().orElse(10) : 80;
    }

    private int top() {
        return 45 + tickLanes * LANE;
    }

    private int plotHeight() {
        return y.categorical() ? ROW * y.categories().size() : 380;
    }

    private int plotWidth() {
        return WIDTH - left() - 30;
    }

    /** About 6 px per character at 11 px. */
    private static double labelWidth(String label) {
        return 6.2 * label.length();
    }

    private record Lanes(List<Mark> sorted, int[] lane, int lanes) {
    }

    /** Where the labels of {@code marks} go: sorted by x, each on the first lane where it does not overlap. */
    private Lanes lanes(List<Mark> marks) {
        List<Mark> sorted = marks.stream().sorted(Comparator.comparingDouble(Mark::x)).toList();
        int[] lane = new int[sorted.size()];
        List<Double> ends = new ArrayList<>(); // per lane: where its last label ends (px)
        for (int i = 0; i < sorted.size(); i++) {
            double start = px(sorted.get(i).x());
            int l = 0;
            while (l < ends.size() && ends.get(l) > start - 6) {
                l++;
            }
            double end = start + labelWidth(sorted.get(i).label()) + 4;
            if (l == ends.size()) {
                ends.add(end);
            } else {
                ends.set(l, end);
            }
            lane[i] = l;
        }
        return new Lanes(sorted, lane, ends.size());
    }

    private double px(double v) {
        return left() + (v - x.min()) / (x.max() - x.min()) * plotWidth();
    }

    /** Numbers grow upwards; categories are listed downwards, the first at the top. */
    private double py(double v) {
        double fraction = (v - y.min()) / (y.max() - y.min());
        return top() + (y.categorical() ? fraction : 1 - fraction) * plotHeight();
    }

    // ---------------------------------------------------------------- output

    /** {@return the chart as an SVG document} */
    public synchronized String svg() {
        x = xAxis.resolved(largest(true));
        y = yAxis.resolved(largest(false));
        tickLanes = 0; // lanes() needs px(), which does not depend on top()
        Lanes t = lanes(ticks);
        tickLanes = t.lanes();
        int height = top() + plotHeight() + 55 + LEGEND_ROW * series.size();
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        b.append("<title>").append(esc(title)).append("</title>\n");
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(b, WIDTH / 2.0, 22, esc(title), "middle", "font-size=\"15\" font-weight=\"bold\"");
        axes(b);
        Lanes m = lanes(markers);
        for (int i = 0; i < m.sorted().size(); i++) {
            Mark k = m.sorted().get(i);
            double at = px(k.x());
            b.append(String.format(Locale.ROOT, "<g class=\"marker\" data-x=\"%s\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                    + "y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"6,4\"/>", num(k.x()), at, top(), at, top() + plotHeight()));
            boolean fits = at + 4 + labelWidth(k.label()) <= left() + plotWidth();
            text(b, fits ? at + 4 : at - 4, top() + 12 + LANE * m.lane()[i], esc(k.label()), fits ? "start" : "end",
                    "fill=\"#333\"");
            b.append("</g>\n");
        }
        for (int i = 0; i < t.sorted().size(); i++) {
            Mark k = t.sorted().get(i);
            double at = px(k.x());
            double labelY = top() - 8 - LANE * (t.lanes() - 1 - t.lane()[i]); // lane 0 nearest the plot
            b.append(String.format(Locale.ROOT, "<g class=\"tick\" data-x=\"%s\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    + "y2=\"%d\" stroke=\"#e377c2\" stroke-width=\"1\"/><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                    + "y2=\"%d\" stroke=\"#e377c2\" stroke-width=\"2\"/>", num(k.x()), at, labelY - 9, at, top(),
                    at, top() - 4, at, top() + 6));
            text(b, at + 3, labelY, esc(k.label()), "start", "fill=\"#a0307a\"");
            b.append("</g>\n");
        }
        for (Series s : series) {
            seriesSvg(b, s);
        }
        legend(b);
        b.append("</svg>\n");
        return b.toString();
    }

    private double largest(boolean ofX) {
        double m = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (Point p : s.points) {
                m = Math.max(m, ofX ? p.x() : p.y());
            }
        }
        for (Mark k : ofX ? markers : List.<Mark>of()) {
            m = Math.max(m, k.x());
        }
        for (Mark k : ofX ? ticks : List.<Mark>of()) {
            m = Math.max(m, k.x());
        }
        return m;
    }

    /** Writes {@link #svg()} to {@code file}. */
    public void write(Path file) throws IOException {
        Files.writeString(file, svg(), StandardCharsets.UTF_8);
    }

    private void axes(StringBuilder b) {
        int l = left();
        int t = top();
        int w = plotWidth();
        int h = plotHeight();
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                l, t, w, h));
        for (double v : niceTicks(x.min(), x.max())) {
            double at = px(v);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", at, t, at, t + h));
            text(b, at, t + h + 15, num(v), "middle", "");
        }
        text(b, l + w / 2.0, t + h + 35, esc(x.label()), "middle", "");
        if (y.categorical()) {
            for (int i = 0; i < y.categories().size(); i++) {
                double at = py(i);
                if (i % 2 == 0) {
                    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>%n",
                            l, at - ROW / 2.0, w, ROW));
                }
                text(b, l - 6, at + 4, esc(y.categories().get(i)), "end", "font-family=\"monospace\" font-size=\"10\"");
            }
        } else {
            for (double v : niceTicks(y.min(), y.max())) {
                double at = py(v);
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", l, at, l + w, at));
                text(b, l - 6, at + 4, num(v), "end", "");
            }
            b.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" "
                    + "text-anchor=\"middle\">%s</text>%n", t + h / 2.0, t + h / 2.0, esc(y.label())));
        }
    }

    private void seriesSvg(StringBuilder b, Series s) {
        b.append("<g class=\"series\" data-name=\"").append(esc(s.name)).append("\">\n");
        if (s.style == Style.LINE && s.points.size() > 1) {
            b.append("<polyline fill=\"none\" stroke=\"").append(s.color).append("\" stroke-width=\"2\" points=\"");
            for (Point p : s.points) {
                b.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(p.x()), py(p.y())));
            }
            b.append("\"/>\n");
        }
        for (Point p : s.points) {
            double cx = px(p.x());
            double cy = py(p.y());
            String data = " data-x=\"" + esc(p.xText()) + "\" data-y=\"" + esc(p.yText()) + "\"";
            switch (s.style) {
                case LINE -> b.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"%s/>%n",
                        cx, cy, s.color, data));
                case DOT -> b.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"%s/>%n",
                        cx, cy, s.color, data));
                case DIAMOND -> b.append(String.format(Locale.ROOT, "<path class=\"point\" d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" "
                        + "fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s/>%n", cx, cy - 5, s.color, data));
            }
            if (p.note() != null) {
                text(b, cx + 8, cy + 4, esc(p.note()), "start", "fill=\"" + s.color + "\" font-weight=\"bold\"");
            }
        }
        b.append("</g>\n");
    }

    private void legend(StringBuilder b) {
        int lx = left();
        int ly = top() + plotHeight() + 52;
        for (Series s : series) {
            if (s.points.isEmpty()) {
                continue;
            }
            switch (s.style) {
                case LINE -> b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                        + "stroke-width=\"2\"/>%n", lx, ly, lx + 16, ly, s.color));
                case DOT -> b.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"%s\"/>%n", lx + 8, ly, s.color));
                case DIAMOND -> b.append(String.format(Locale.ROOT, "<path d=\"M%d %dl5 5l-5 5l-5 -5z\" fill=\"none\" stroke=\"%s\" "
                        + "stroke-width=\"1.5\"/>%n", lx + 8, ly - 5, s.color));
            }
            text(b, lx + 22, ly + 4, esc(s.name), "start", "font-size=\"10\"");
            ly += LEGEND_ROW;
        }
    }

    private static void text(StringBuilder b, double at, double baseline, String escaped, String anchor, String attrs) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
                at, baseline, anchor, attrs, escaped));
    }

    /** Axis values at 1, 2 or 5 times a power of ten, about eight over the range. */
    static List<Double> niceTicks(double min, double max) {
        double raw = (max - min) / 8;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude >= 5 ? 10 : raw / magnitude >= 2 ? 5 : raw / magnitude >= 1 ? 2 : 1);
        List<Double> ticks = new ArrayList<>();
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
            ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return ticks;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
