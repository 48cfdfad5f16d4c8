package io.zeroheap.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * An inline SVG line chart by size, one line per allocator, on a logarithmic axis: a value
 * (e.g. the median latency) as a line with dots, optionally a thin whisker from each dot up to
 * a second value (e.g. the 99th percentile). Hovering a dot shows its numbers (SVG
 * {@code <title>}, no script). Sizes are evenly spaced categories.
 */
final class SvgChart {

    /** One allocator's line. */
    record Series(String label, String color, boolean dashed, boolean bold, List<Point> points) {
    }

    /**
     * One size's numbers; {@code sizeIndex} indexes the chart's sizes; no whisker where
     * {@code whiskerTop <= value}.
     */
    record Point(int sizeIndex, double value, double whiskerTop, String tooltip) {
    }

    private static final int WIDTH = 960;
    private static final int HEIGHT = 440;
    private static final int LEFT = 72;
    private static final int RIGHT = 290;
    private static final int TOP = 20;
    private static final int BOTTOM = 56;
    /** Values below this are drawn at it (a log axis has no zero). */
    private static final double MIN_VALUE = 1e-3;

    private SvgChart() {
    }

    /**
     * Renders the chart; values must be positive.
     *
     * @param yTitle  the axis title
     * @param yFormat prints an axis value (powers of ten)
     * @param note    a line under the legend, e.g. what the whiskers mean
     */
    static String render(String title, String yTitle, Function<Double, String> yFormat, String note,
                         List<Long> sizes, List<Series> series) {
        double min = Double.MAX_VALUE;
        double max = Double.MIN_VALUE;
        for (Series s : series) {
            for (Point p : s.points()) {
                min = Math.min(min, Math.max(MIN_VALUE, p.value()));
                max = Math.max(max, Math.max(p.value(), p.whiskerTop()));
            }
        }
        if (min == Double.MAX_VALUE) {
            min = 1;
            max = 10;
        }
        int lowDecade = (int) Math.floor(Math.log10(min));
        int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(max)));
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        Scale scale = new Scale(lowDecade, highDecade, plotHeight);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(Xml.escape(title)).append("</title>\n");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotWidth, plotHeight));
        // Horizontal grid: a labelled line per decade, faint ones at 2x and 5x.
        for (int decade = lowDecade; decade <= highDecade; decade++) {
            for (int factor : new int[] {1, 2, 5}) {
                double value = factor * Math.pow(10, decade);
                if (decade == highDecade && factor > 1) {
                    break;
                }
                double y = TOP + scale.y(value);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                        LEFT, LEFT + plotWidth, y, y, factor == 1 ? "#ccc" : "#eee"));
                if (factor == 1) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"axis\">%s</text>%n",
                            LEFT - 6, y + 4, Xml.escape(yFormat.apply(value))));
                }
            }
        }
        // Sizes along the bottom.
        double step = plotWidth / sizes.size();
        for (int i = 0; i < sizes.size(); i++) {
            double x = LEFT + step * (i + 0.5);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"axis\">%s</text>%n",
                    x, TOP + plotHeight + 18, Xml.escape(ByteSizes.label(sizes.get(i)))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"axis\">buffer size</text>%n",
                LEFT + plotWidth / 2, HEIGHT - 12));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
                TOP + plotHeight / 2, TOP + plotHeight / 2, Xml.escape(yTitle)));
        // The lines, whiskers and dots; each series shifted a little so whiskers do not hide each other.
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            double shift = (s - (series.size() - 1) / 2.0) * Math.min(3, step / (2.0 * series.size()));
            StringBuilder points = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (Point p : line.points()) {
                double x = LEFT + step * (p.sizeIndex() + 0.5) + shift;
                double y50 = TOP + scale.y(Math.max(MIN_VALUE, p.value()));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y50));
                if (p.whiskerTop() > p.value()) {
                    double y99 = TOP + scale.y(p.whiskerTop());
                    marks.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\" opacity=\"0.6\"/>%n",
                            x, x, y50, y99, line.color()));
                }
                marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>%s</title></circle>%n",
                        x, y50, line.bold() ? "4.5" : "3.5", line.color(), Xml.escape(p.tooltip())));
            }
            svg.append(String.format(Locale.ROOT, "<g class=\"series\" data-allocator=\"%s\">%n", Xml.escape(line.label())));
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>%n",
                    line.color(), line.bold() ? "3" : "1.6", line.dashed() ? " stroke-dasharray=\"6 4\"" : "", points.toString().strip()));
            svg.append(marks);
            svg.append("</g>\n");
        }
        // The legend, right of the plot.
        double legendX = LEFT + plotWidth + 18;
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            double y = TOP + 12 + s * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                    legendX, legendX + 26, y, y, line.color(), line.bold() ? "3" : "1.6", line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">%s</text>%n",
                    legendX + 32, y + 4, Xml.escape(line.label())));
        }
        double noteY = TOP + 12 + series.size() * 20 + 8;
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"note\">%s</text>%n", legendX, noteY, Xml.escape(note)));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Maps a latency to a y offset inside the plot (0 at the top). */
    private record Scale(int lowDecade, int highDecade, double plotHeight) {
        double y(double nanos) {
            double fraction = (Math.log10(nanos) - lowDecade) / (highDecade - lowDecade);
            return plotHeight * (1 - fraction);
        }
    }
}
