package io.zeroheap.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * An inline SVG chart of horizontal bars as small multiples: one band per buffer size, top to
 * bottom, each with one panel per regime side by side; in every panel one row per allocator
 * (labels on the left of each band), one bar per row in the allocator's colour, its value
 * written at its end. All panels share one {@link Axis}: a ratio axis draws each bar from 1x (a
 * bar to the left of the 1x line is faster than the reference, one to the right slower), a bytes
 * axis from its left edge. Either is logarithmic if the values span more than 10x, else linear
 * from 0. A row without a value shows a short note instead of a bar (e.g. "bursts only").
 * Hovering a bar shows its numbers (SVG {@code <title>}, no script).
 *
 * <p>Every band is a {@code <g class="band" data-size="...">} holding its bars (the only
 * {@code <rect>}s in it, each with {@code data-allocator}, {@code data-regime} and
 * {@code data-value}), gridlines and labels; the legend and row shading are outside the bands.
 * Stateless.
 */
final class SvgBars {

    /** One allocator row: its id (for {@code data-allocator}), label, bar colour, and whether its label is bold or italic. */
    record Row(String id, String label, String color, boolean bold, boolean italic) {
    }

    /** One panel column (regime): its id (for {@code data-regime}) and title. */
    record Column(String id, String title) {
    }

    /** One legend entry: a colour and what it stands for. */
    record Key(String label, String color) {
    }

    /**
     * What one row of one panel shows: a bar of {@code value} labelled {@code valueLabel}, or,
     * if {@code note} is not null, that note and no bar. {@code tooltip} is the hover text.
     */
    record Entry(double value, String valueLabel, String note, String tooltip) {

        static Entry bar(double value, String valueLabel, String tooltip) {
            return new Entry(value, valueLabel, null, tooltip);
        }

        static Entry note(String note, String tooltip) {
            return new Entry(Double.NaN, null, note, tooltip);
        }

        boolean hasBar() {
            return note == null;
        }
    }

    /** One size: its title and, per column (regime), one entry per row (null: nothing to show). */
    record Band(String title, List<List<Entry>> columns) {
    }

    /** A tick on the axis: its value, its label ("" for an unlabelled minor line). */
    record Tick(double value, String label) {
    }

    /**
     * The shared horizontal axis: logarithmic or linear between {@code low} and {@code high},
     * bars drawn from {@code origin}, a strong line at the origin if {@code originLine}.
     */
    record Axis(boolean log, double low, double high, double origin, boolean originLine, List<Tick> ticks) {

        /** Where {@code value} falls between the axis ends, 0 to 1, clamped. */
        double fraction(double value) {
            double f = log
                    ? (Math.log(Math.max(value, Double.MIN_NORMAL)) - Math.log(low)) / (Math.log(high) - Math.log(low))
                    : (value - low) / (high - low);
            return Math.max(0, Math.min(1, f));
        }

        /** Whether bars start at the left edge (so their labels need no room on the left). */
        boolean fromLeft() {
            return fraction(origin) == 0;
        }

        /**
         * An axis for ratios, drawn from 1x: logarithmic in decades if the values and 1 span more
         * than 10x (at most 0.001x to 1000x; bars beyond reach the edge), else linear from 0.
         */
        static Axis ratios(List<Double> values) {
            double min = 1;
            double max = 1;
            for (double v : values) {
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            List<Tick> ticks = new ArrayList<>();
            if (max / min > 10) {
                int low = Math.max(-3, (int) Math.floor(Math.log10(min) + 1e-9));
                int high = Math.min(3, (int) Math.ceil(Math.log10(max) - 1e-9));
                for (int decade = low; decade <= high; decade++) {
                    ticks.add(new Tick(Math.pow(10, decade), ratioLabel(Math.pow(10, decade))));
                    if (decade < high && high - low <= 3) {
                        ticks.add(new Tick(2 * Math.pow(10, decade), ""));
                        ticks.add(new Tick(5 * Math.pow(10, decade), ""));
                    }
                }
                return new Axis(true, Math.pow(10, low), Math.pow(10, high), 1, true, ticks);
            }
            double step = niceStep(max / 4);
            double high = Math.ceil(max / step - 1e-9) * step;
            for (int i = 0; i * step <= high + 1e-9; i++) {
                ticks.add(new Tick(i * step, ratioLabel(i * step)));
            }
            return new Axis(false, 0, high, 1, true, ticks);
        }

        /**
         * An axis for amounts of memory, drawn from its left edge: logarithmic with ticks at
         * powers of two (4 KiB, 64 KiB, 1 MiB, ...) if the positive values span more than 10x,
         * else linear from 0 B. Empty if no value is positive.
         */
        static Optional<Axis> bytes(List<Double> values) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (double v : values) {
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (max == 0) {
                return Optional.empty();
            }
            List<Tick> ticks = new ArrayList<>();
            if (max / min > 10) {
                double lowExp = Math.floor(log2(min) + 1e-9);
                double highExp = Math.ceil(log2(max) - 1e-9);
                int step = 1;
                for (int candidate : new int[]{1, 2, 4, 5, 10}) {
                    step = candidate;
                    if ((highExp - lowExp + 2) / step <= 5) {
                        break;
                    }
                }
                int low = (int) lowExp - 2; // the smallest bar still has some length
                int high = (int) highExp;
                for (int e = (int) Math.ceil((double) low / step) * step; e <= high; e += step) {
                    ticks.add(new Tick(Math.pow(2, e), e >= 0 ? ByteSizes.label(1L << e) : ""));
                }
                if (high % step != 0) {
                    ticks.add(new Tick(Math.pow(2, high), ""));
                }
                return Optional.of(new Axis(true, Math.pow(2, low), Math.pow(2, high), Math.pow(2, low), false, ticks));
            }
            double unit = 1;
            while (unit * 1024 <= max) {
                unit *= 1024;
            }
            double step = niceStep(max / unit / 4) * unit;
            double high = Math.ceil(max / step - 1e-9) * step;
            for (int i = 0; i * step <= high + 1e-9 * unit; i++) {
                ticks.add(new Tick(i * step, ByteSizes.approximate(Math.round(i * step))));
            }
            return Optional.of(new Axis(false, 0, high, 0, false, ticks));
        }

        private static double log2(double v) {
            return Math.log(v) / Math.log(2);
        }

        /** 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, ...: the nice step at or above {@code rough}. */
        private static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            for (double m : new double[]{1, 2, 2.5, 5, 10}) {
                if (m * magnitude >= rough - 1e-12) {
                    return m * magnitude;
                }
            }
            return 10 * magnitude;
        }

        private static String ratioLabel(double ratio) {
            return ratio >= 1 || ratio == 0 ? Numbers.threeDigits(ratio) + "x" : BigDecimal.valueOf(ratio)
                    .round(new MathContext(3)).stripTrailingZeros().toPlainString() + "x";
        }
    }

    private static final int LABEL_WIDTH = 230;
    private static final int TARGET_WIDTH = 1336;
    private static final int MIN_PANEL = 210;
    private static final int MAX_PANEL = 340;
    private static final int PANEL_GAP = 18;
    private static final int HEADER = 70;
    private static final int BAND_TITLE = 24;
    private static final int ROW = 18;
    private static final int BAR = 12;
    private static final int TICKS = 18;
    private static final int BAND_GAP = 14;
    /** Room inside a panel for the value labels of bars that reach its edge. */
    private static final int PAD_LEFT = 44;
    private static final int PAD_LEFT_FROM_EDGE = 4;
    private static final int PAD_RIGHT = 54;
    /** A white outline under a label, so gridlines behind it do not cut through it. */
    private static final String HALO = " stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";

    private SvgBars() {
    }

    /**
     * Renders the chart.
     *
     * @param cssClass  extra class of the {@code <svg>} besides {@code chart}, e.g. {@code ratio}
     * @param title     the chart's title (also its SVG title)
     * @param note      a line under the title: what a bar is, and the scale
     * @param legend    the colours, in order
     * @param columns   the panel titles (regimes), left to right
     * @param rows      the rows (allocators), top to bottom
     * @param bands     one per size, top to bottom; each with a column per {@code columns} and a row per {@code rows}
     * @param axis      the axis all panels share
     */
    static String render(String cssClass, String title, String note, List<Key> legend, List<Column> columns, List<Row> rows,
                         List<Band> bands, Axis axis) {
        int panel = Math.max(MIN_PANEL, Math.min(MAX_PANEL, (TARGET_WIDTH - LABEL_WIDTH) / Math.max(1, columns.size()) - PANEL_GAP));
        int width = LABEL_WIDTH + columns.size() * (panel + PANEL_GAP);
        int bandHeight = BAND_TITLE + rows.size() * ROW + TICKS;
        int height = HEADER + bands.size() * (bandHeight + BAND_GAP);

        StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"#222\">%n",
                cssClass, width, height, width, height));
        svg.append("<title>").append(Xml.escape(title)).append("</title>\n");
        svg.append("<text x=\"0\" y=\"16\" font-weight=\"bold\" font-size=\"14\">").append(Xml.escape(title)).append("</text>\n");
        svg.append("<text x=\"0\" y=\"34\" fill=\"#555\" font-size=\"12\">").append(Xml.escape(note)).append("</text>\n");
        double x = 0;
        for (Key key : legend) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"46\" width=\"14\" height=\"14\" rx=\"2\" fill=\"%s\" class=\"key\"/>"
                            + "<text x=\"%.1f\" y=\"57\" font-size=\"12\">%s</text>%n",
                    x, key.color(), x + 19, Xml.escape(key.label())));
            x += 19 + textWidth(key.label(), 12) + 22;
        }
        for (int b = 0; b < bands.size(); b++) {
            band(svg, bands.get(b), HEADER + b * (bandHeight + BAND_GAP), width, panel, columns, rows, axis);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void band(StringBuilder svg, Band band, double top, int width, int panel, List<Column> columns, List<Row> rows,
                             Axis axis) {
        double rowsTop = top + BAND_TITLE;
        double rowsBottom = rowsTop + rows.size() * ROW;
        for (int r = 1; r < rows.size(); r += 2) { // shading outside the band's group: its only rects are bars
            svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f5f5f5\"/>%n",
                    rowsTop + r * ROW, width, ROW));
        }
        svg.append(String.format(Locale.ROOT, "<g class=\"band\" data-size=\"%s\">%n", Xml.escape(band.title())));
        svg.append(String.format(Locale.ROOT, "<line x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>%n",
                width, top + 0.5, top + 0.5));
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%.1f\" font-weight=\"bold\" font-size=\"13\">%s</text>%n",
                top + 17, Xml.escape(band.title())));
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"row\"%s%s%s>%s</text>%n",
                    LABEL_WIDTH - 10, rowsTop + r * ROW + ROW / 2.0 + 4, row.bold() ? " font-weight=\"bold\"" : "",
                    row.italic() ? " font-style=\"italic\"" : "", row.bold() ? "" : " fill=\"#333\"", Xml.escape(row.label())));
        }
        for (int c = 0; c < columns.size(); c++) {
            double left = LABEL_WIDTH + c * (panel + PANEL_GAP);
            double plotLeft = left + (axis.fromLeft() ? PAD_LEFT_FROM_EDGE : PAD_LEFT);
            double plotWidth = panel - (axis.fromLeft() ? PAD_LEFT_FROM_EDGE : PAD_LEFT) - PAD_RIGHT;
            DoubleFunction<Double> xOf = v -> plotLeft + plotWidth * axis.fraction(v);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">%s</text>%n",
                    left + panel / 2.0, top + 17, Xml.escape(columns.get(c).title())));
            for (Tick tick : axis.ticks()) {
                double tx = xOf.apply(tick.value());
                boolean origin = axis.originLine() && Math.abs(tick.value() - axis.origin()) < 1e-9;
                String stroke = origin ? "#222" : tick.label().isEmpty() ? "#ececec" : "#d4d4d4";
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                        tx, tx, rowsTop, rowsBottom, stroke, origin ? " stroke-width=\"1.5\"" : ""));
                if (!tick.label().isEmpty()) {
                    svg.append(String.format(Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\"%s>%s</text>%n",
                            tx, rowsBottom + 12, origin ? " font-weight=\"bold\"" : "", Xml.escape(tick.label())));
                }
            }
            if (axis.originLine() && axis.ticks().stream().noneMatch(t -> Math.abs(t.value() - axis.origin()) < 1e-9)) {
                double ox = xOf.apply(axis.origin());
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" stroke-width=\"1.5\"/>%n",
                        ox, ox, rowsTop, rowsBottom));
            }
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>%n",
                    plotLeft, plotLeft + plotWidth, rowsBottom, rowsBottom));
            List<Entry> entries = c < band.columns().size() ? band.columns().get(c) : List.of();
            double origin = xOf.apply(axis.origin());
            for (int r = 0; r < rows.size() && r < entries.size(); r++) {
                Entry entry = entries.get(r);
                if (entry == null) {
                    continue;
                }
                double middle = rowsTop + r * ROW + ROW / 2.0;
                if (!entry.hasBar()) {
                    svg.append(String.format(Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" font-style=\"italic\" fill=\"#777\" class=\"note\"" + HALO + ">%s<title>%s</title></text>%n",
                            plotLeft + 2, middle + 3.5, Xml.escape(entry.note()), Xml.escape(entry.tooltip())));
                    continue;
                }
                double end = xOf.apply(entry.value());
                boolean leftward = end < origin;
                double barWidth = Math.abs(end - origin);
                double barX = leftward ? end : origin;
                if (barWidth < 2) { // a value at the origin (the reference itself): a visible stub
                    barWidth = 2;
                    barX = origin - (axis.fromLeft() ? 0 : 1);
                }
                Row row = rows.get(r);
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" data-allocator=\"%s\" data-regime=\"%s\""
                                + " data-value=\"%s\"><title>%s</title></rect>%n",
                        barX, middle - BAR / 2.0, barWidth, BAR, row.color(), Xml.escape(row.id()), Xml.escape(columns.get(c).id()),
                        String.format(Locale.ROOT, "%.6g", entry.value()), Xml.escape(entry.tooltip())));
                double labelX = leftward ? Math.min(end, barX) - 3 : Math.max(end, barX + barWidth) + 3;
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"10\" class=\"value\"" + HALO + ">%s</text>%n",
                        labelX, middle + 3.5, leftward ? "end" : "start", Xml.escape(entry.valueLabel())));
            }
        }
        svg.append("</g>\n");
    }

    /** A rough width of {@code text} in pixels at {@code fontSize} (for laying out the legend). */
    private static double textWidth(String text, int fontSize) {
        return text.length() * fontSize * 0.56;
    }
}
