package io.zeroheap.cli;

import java.util.List;
import java.util.Locale;

/**
 * An inline SVG bar chart of ratios on a logarithmic axis, as small multiples: one panel per
 * buffer size side by side, one row per allocator (labels on the left, shared by the panels),
 * one thin bar per regime in each row, drawn from 1x to the ratio, so a bar to the left of the
 * 1x line is faster than the reference and one to the right slower. Hovering a bar shows its
 * numbers (SVG {@code <title>}, no script). Stateless.
 */
final class SvgBars {

    /** One regime: its legend label and colour. */
    record Series(String label, String color) {
    }

    /** One bar: the index of its {@link Series}, the ratio (positive), the tooltip. */
    record Bar(int series, double ratio, String tooltip) {
    }

    /** One size: its title and, per row (allocator), its bars; a row may have no bars. */
    record Panel(String title, List<List<Bar>> rows) {
    }

    private static final int LABEL_WIDTH = 240;
    private static final int PANEL_WIDTH = 190;
    private static final int PANEL_GAP = 28;
    private static final int TOP = 76;
    private static final int BOTTOM = 30;
    private static final int BAR_HEIGHT = 5;
    private static final int BAR_GAP = 1;
    private static final int ROW_GAP = 7;
    /** The axis spans at least 0.1x to 10x and at most 0.001x to 1000x; bars beyond are drawn to the edge. */
    private static final int MIN_DECADES = 1;
    private static final int MAX_DECADES = 3;

    private SvgBars() {
    }

    /**
     * Renders the chart.
     *
     * @param title     the chart's title (also its SVG title)
     * @param note      a line under the title, e.g. what a ratio is
     * @param rowLabels the row labels, top to bottom
     * @param boldRows  which rows to set in bold (the same length as {@code rowLabels})
     * @param series    the regimes, in bar order within a row
     * @param panels    one per size, left to right; each with as many rows as {@code rowLabels}
     */
    static String render(String title, String note, List<String> rowLabels, List<Boolean> boldRows, List<Series> series,
                         List<Panel> panels) {
        double min = 1;
        double max = 1;
        for (Panel panel : panels) {
            for (List<Bar> row : panel.rows()) {
                for (Bar bar : row) {
                    min = Math.min(min, bar.ratio());
                    max = Math.max(max, bar.ratio());
                }
            }
        }
        int low = Math.max(-MAX_DECADES, Math.min(-MIN_DECADES, (int) Math.floor(Math.log10(min))));
        int high = Math.min(MAX_DECADES, Math.max(MIN_DECADES, (int) Math.ceil(Math.log10(max))));
        int rowHeight = series.size() * (BAR_HEIGHT + BAR_GAP) + ROW_GAP;
        int width = LABEL_WIDTH + panels.size() * (PANEL_WIDTH + PANEL_GAP);
        int height = TOP + rowLabels.size() * rowHeight + BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
                        + " font-family=\"system-ui, sans-serif\" font-size=\"11\">%n",
                width, height, width, height));
        svg.append("<title>").append(Xml.escape(title)).append("</title>\n");
        svg.append("<text x=\"0\" y=\"14\" class=\"heading\" font-weight=\"bold\" font-size=\"13\">").append(Xml.escape(title))
                .append("</text>\n");
        svg.append("<text x=\"0\" y=\"30\" class=\"note\">").append(Xml.escape(note)).append("</text>\n");
        double legendX = 0;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"38\" width=\"12\" height=\"8\" fill=\"%s\"/>%n", legendX, s.color()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"46\" class=\"legend\">%s</text>%n", legendX + 16, Xml.escape(s.label())));
            legendX += 24 + 7.2 * s.label().length();
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            double y = TOP + r * rowHeight;
            if (r % 2 == 1) {
                svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>%n",
                        y - ROW_GAP / 2.0, width, rowHeight));
            }
            String weight = boldRows.get(r) ? " font-weight=\"bold\"" : "";
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"row\"%s>%s</text>%n",
                    LABEL_WIDTH - 8, y + (rowHeight - ROW_GAP) / 2.0 + 4, weight, Xml.escape(rowLabels.get(r))));
        }
        for (int p = 0; p < panels.size(); p++) {
            panel(svg, panels.get(p), LABEL_WIDTH + p * (PANEL_WIDTH + PANEL_GAP), low, high, rowHeight, rowLabels.size(), series);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, Panel panel, double left, int low, int high, int rowHeight, int rows,
                              List<Series> series) {
        double plotTop = TOP - ROW_GAP / 2.0;
        double plotBottom = TOP + rows * rowHeight - ROW_GAP / 2.0;
        svg.append(String.format(Locale.ROOT, "<g class=\"panel\" data-size=\"%s\">%n", Xml.escape(panel.title())));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"axis\" font-weight=\"bold\">%s</text>%n",
                left + PANEL_WIDTH / 2.0, plotTop - 4, Xml.escape(panel.title())));
        for (int decade = low; decade <= high; decade++) {
            double x = x(Math.pow(10, decade), left, low, high);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
                    x, x, plotTop, plotBottom, decade == 0 ? "#333" : "#ccc", decade == 0 ? "1.5" : "1"));
            String anchor = decade == low ? "start" : decade == high ? "end" : "middle"; // edges inward: no clash with the next panel
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"axis\">%s</text>%n",
                    x, plotBottom + 14, anchor, axisLabel(decade)));
        }
        double one = x(1, left, low, high);
        for (int r = 0; r < panel.rows().size(); r++) {
            for (Bar bar : panel.rows().get(r)) {
                double end = x(bar.ratio(), left, low, high);
                double y = TOP + r * rowHeight + bar.series() * (BAR_HEIGHT + BAR_GAP);
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                        Math.min(one, end), y, Math.max(1, Math.abs(end - one)), BAR_HEIGHT, series.get(bar.series()).color(),
                        Xml.escape(bar.tooltip())));
            }
        }
        svg.append("</g>\n");
    }

    /** The x of a ratio in the panel starting at {@code left}; clamped to the panel. */
    private static double x(double ratio, double left, int low, int high) {
        double fraction = (Math.log10(Math.max(ratio, 1e-12)) - low) / (high - low);
        return left + PANEL_WIDTH * Math.max(0, Math.min(1, fraction));
    }

    private static String axisLabel(int decade) {
        return decade >= 0 ? (long) Math.pow(10, decade) + "x" : "0." + "0".repeat(-decade - 1) + "1x";
    }
}
