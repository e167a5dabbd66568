package org.mptcpj.samples.chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * An SVG chart written by {@link SvgChart}, parsed back as XML (which fails on a malformed file):
 * the data of its series, markers and ticks as the attributes hold them.
 */
public record ChartData(Map<String, List<List<String>>> series, List<Double> markers, List<Double> ticks) {
    /** Parses {@code file}; the series map is series name to its points' [data-x, data-y], in order. */
    public static ChartData read(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        if (!doc.getDocumentElement().getTagName().equals("svg")) {
            throw new AssertionError("root element is " + doc.getDocumentElement().getTagName());
        }
        Map<String, List<List<String>>> series = new LinkedHashMap<>();
        List<Double> markers = new ArrayList<>();
        List<Double> ticks = new ArrayList<>();
        NodeList groups = doc.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            switch (g.getAttribute("class")) {
                case "series" -> {
                    List<List<String>> points = new ArrayList<>();
                    NodeList children = g.getChildNodes();
                    for (int j = 0; j < children.getLength(); j++) {
                        if (children.item(j) instanceof Element e && e.getAttribute("class").equals("point")) {
                            points.add(List.of(e.getAttribute("data-x"), e.getAttribute("data-y")));
                        }
                    }
                    series.put(g.getAttribute("data-name"), points);
                }
                case "marker" -> markers.add(Double.parseDouble(g.getAttribute("data-x")));
                case "tick" -> ticks.add(Double.parseDouble(g.getAttribute("data-x")));
                default -> { }
            }
        }
        return new ChartData(series, markers, ticks);
    }
}
