package io.zeroheap.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The self-contained HTML report of a {@link BenchReport}: the platform and plan; per regime
 * and touch mode two charts (inline SVG, log scale: latency by size and allocator, and each
 * allocator's median relative to the reference) and a table; the legend, and the raw
 * results as JSON in a {@code <script type="application/json" id="results">} element. No
 * scripts, fonts or styles from elsewhere: it opens offline. Written as well-formed XHTML, so
 * any XML parser reads it back; every result row carries {@code data-allocator} (the id),
 * {@code data-bytes}, {@code data-regime} and {@code data-touch}.
 */
public final class HtmlReport {

    private static final String[] COLORS = {
        "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#1f77b4", "#17becf", "#7f7f7f", "#2ca02c", "#bcbd22"
    };

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
            table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
            th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }
            th:first-child, td:first-child, td.allocator { text-align: left; }
            table.facts td, table.facts th { text-align: left; }
            tr.zeroheap td.allocator { font-weight: bold; }
            tr.stale td.allocator { font-style: italic; }
            tr.size td { background: #f4f4f4; font-weight: bold; text-align: left; }
            .chart text.axis { font-size: 12px; fill: #444; }
            .chart text.legend { font-size: 12px; fill: #222; }
            .chart text.note { font-size: 11px; fill: #666; }
            p.legend { font-size: 0.9em; color: #444; }
            code { font-size: 0.95em; }
            """;

    private HtmlReport() {
    }

    /**
     * Writes the report to {@code file} (UTF-8), creating parent directories as needed.
     *
     * @throws IOException if a parent directory cannot be created or the file cannot be written
     */
    public static void write(BenchReport report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    /** Renders the whole document. */
    public static String render(BenchReport report) {
        BenchPlan plan = report.plan();
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n");
        html.append("<meta charset=\"utf-8\"/>\n");
        html.append("<title>zeroheap bench, ").append(Xml.escape(report.startedAt().format(DateTimeFormatter.ISO_LOCAL_DATE))).append("</title>\n");
        html.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>zeroheap bench</h1>\n");
        html.append("<p>The seed's allocation benchmark: allocate a buffer, ")
                .append("write one <code>long</code> per 4 KiB page (touched) or nothing (untouched), free it; ")
                .append("zeroheap and its peers in one process, one allocator after the other.</p>\n");
        facts(html, report);
        for (Regime regime : plan.regimes()) {
            for (TouchMode mode : plan.touchModes()) {
                section(html, report, regime, mode);
            }
        }
        html.append("<h2>Legend</h2>\n<p class=\"legend\">")
                .append(Xml.escape(BenchTables.legend(report)).replace("\n", "<br/>\n"))
                .append("</p>\n");
        html.append("<script type=\"application/json\" id=\"results\">\n").append(json(report)).append("\n</script>\n");
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void facts(StringBuilder html, BenchReport report) {
        html.append("<table class=\"facts\">\n");
        fact(html, "date", report.startedAt().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        fact(html, "command", report.commandLine());
        fact(html, "plan", BenchTables.planText(report.plan()));
        fact(html, "elapsed", Durations.latency(report.elapsedNanos(), false));
        fact(html, "timer overhead", Durations.latency(report.timerOverheadNanos(), false)
                + " (median of two back-to-back System.nanoTime() calls; included in every latency)");
        for (PlatformInfo.Fact fact : report.platform()) {
            fact(html, fact.name(), fact.value());
        }
        html.append("</table>\n");
    }

    private static void fact(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(Xml.escape(name)).append("</th><td>").append(Xml.escape(value)).append("</td></tr>\n");
    }

    private static void section(StringBuilder html, BenchReport report, Regime regime, TouchMode mode) {
        BenchPlan plan = report.plan();
        String title = regime.id() + ", " + mode.id();
        html.append("<h2 id=\"").append(regime.id()).append('-').append(mode.id()).append("\">").append(Xml.escape(title)).append("</h2>\n");
        html.append("<p>").append(Xml.escape(BenchTables.regimeTitle(plan, regime, mode).substring(3))).append("</p>\n");

        List<SvgChart.Series> latencies = new ArrayList<>();
        List<SvgChart.Series> ratios = new ArrayList<>();
        for (AllocatorKind kind : plan.allocators()) {
            List<SvgChart.Point> latencyPoints = new ArrayList<>();
            List<SvgChart.Point> ratioPoints = new ArrayList<>();
            for (int i = 0; i < plan.byteSizes().size(); i++) {
                long byteSize = plan.byteSizes().get(i);
                Optional<BenchResult> result = report.result(kind, regime, mode, byteSize);
                if (result.isEmpty()) {
                    continue;
                }
                BenchResult r = result.get();
                String tooltip = kind.label() + ", " + ByteSizes.label(byteSize) + ": p50 " + Durations.latency(r.p50Nanos(), false)
                        + ", p99 " + Durations.latency(r.p99Nanos(), false)
                        + ", p99.9 " + Durations.latency(r.p999Nanos(), false)
                        + ", max " + Durations.latency(r.maxNanos(), false);
                latencyPoints.add(new SvgChart.Point(i, r.p50Nanos(), r.p99Nanos(), tooltip));
                double ratio = report.ratio(r);
                if (!Double.isNaN(ratio)) {
                    ratioPoints.add(new SvgChart.Point(i, ratio, ratio, tooltip + "; p50 " + Numbers.ratio(ratio)
                            + "x " + plan.reference().label() + "'s"));
                }
            }
            String color = COLORS[kind.ordinal() % COLORS.length];
            latencies.add(new SvgChart.Series(kind.label(), color, !kind.zeroed(), kind == plan.reference(), latencyPoints));
            ratios.add(new SvgChart.Series(kind.label(), color, !kind.zeroed(), kind == plan.reference(), ratioPoints));
        }
        html.append(SvgChart.render("Latency by size and allocator, " + title, "latency per allocate + free (log scale)",
                v -> Durations.latency(v, false), "dot: p50; whisker: up to p99", plan.byteSizes(), latencies));
        html.append(SvgChart.render("p50 relative to " + plan.reference().label() + ", " + title,
                "p50 / " + plan.reference().label() + " p50 (log scale)", v -> axisRatio(v) + "x",
                "above 1x: slower than " + plan.reference().label(), plan.byteSizes(), ratios));

        html.append("<table class=\"results\" data-regime=\"").append(regime.id()).append("\" data-touch=\"").append(mode.id()).append("\">\n");
        html.append("<thead><tr><th>allocator</th><th>ops</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th>")
                .append("<th>mean</th><th>ops/s</th><th>GB/s</th><th>held</th><th>p50 vs ")
                .append(Xml.escape(plan.reference().label())).append("</th></tr></thead>\n<tbody>\n");
        for (long byteSize : plan.byteSizes()) {
            html.append("<tr class=\"size\"><td colspan=\"11\">").append(Xml.escape(ByteSizes.label(byteSize))).append("</td></tr>\n");
            for (AllocatorKind kind : plan.allocators()) {
                report.result(kind, regime, mode, byteSize).ifPresent(r -> row(html, report, r));
            }
        }
        html.append("</tbody>\n</table>\n");
    }

    /** A power of ten as a ratio: 0.01, 0.1, 1, 10, 100. */
    private static String axisRatio(double value) {
        return value >= 1 ? Numbers.threeDigits(value)
                : BigDecimal.valueOf(value).round(new MathContext(1)).stripTrailingZeros().toPlainString();
    }

    private static void row(StringBuilder html, BenchReport report, BenchResult r) {
        AllocatorKind kind = r.allocator();
        String rowClass = kind.isZeroheap() ? "zeroheap" : kind.zeroed() ? "peer" : "stale";
        html.append(String.format(Locale.ROOT,
                "<tr class=\"%s\" data-allocator=\"%s\" data-bytes=\"%d\" data-regime=\"%s\" data-touch=\"%s\">",
                rowClass, kind.id(), r.byteSize(), r.regime().id(), r.touchMode().id()));
        cell(html, "allocator", kind.label());
        cell(html, null, String.valueOf(r.operations()));
        cell(html, null, Durations.latency(r.p50Nanos(), false));
        cell(html, null, Durations.latency(r.p99Nanos(), false));
        cell(html, null, Durations.latency(r.p999Nanos(), false));
        cell(html, null, Durations.latency(r.maxNanos(), false));
        cell(html, null, Durations.latency(r.meanNanos(), false));
        cell(html, null, Numbers.rate(r.opsPerSecond()));
        cell(html, null, Numbers.threeDigits(r.bytesPerSecond() / 1e9));
        cell(html, null, r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()));
        cell(html, null, Numbers.ratio(report.ratio(r)));
        html.append("</tr>\n");
    }

    private static void cell(StringBuilder html, String cssClass, String text) {
        html.append(cssClass == null ? "<td>" : "<td class=\"" + cssClass + "\">").append(Xml.escape(text)).append("</td>");
    }

    /** The raw results: one object per cell, latencies in nanoseconds. */
    static String json(BenchReport report) {
        StringBuilder json = new StringBuilder("{\"startedAt\":")
                .append(Xml.jsonString(report.startedAt().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
                .append(",\"command\":").append(Xml.jsonString(report.commandLine()))
                .append(",\"timerOverheadNanos\":").append(report.timerOverheadNanos())
                .append(",\"reference\":").append(Xml.jsonString(report.plan().reference().id()))
                .append(",\"results\":[");
        boolean first = true;
        for (BenchResult r : report.results()) {
            json.append(first ? "\n" : ",\n");
            first = false;
            json.append(String.format(Locale.ROOT,
                    "{\"allocator\":%s,\"label\":%s,\"zeroed\":%b,\"regime\":%s,\"touch\":%s,\"bytes\":%d,\"ops\":%d,"
                            + "\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d,\"mean\":%.1f,\"opsPerSecond\":%.1f,\"peakHeldBytes\":%d}",
                    Xml.jsonString(r.allocator().id()), Xml.jsonString(r.allocator().label()), r.allocator().zeroed(),
                    Xml.jsonString(r.regime().id()), Xml.jsonString(r.touchMode().id()), r.byteSize(), r.operations(),
                    r.p50Nanos(), r.p99Nanos(), r.p999Nanos(), r.maxNanos(), r.meanNanos(), r.opsPerSecond(), r.peakHeldBytes()));
        }
        return json.append("\n]}").toString();
    }
}
