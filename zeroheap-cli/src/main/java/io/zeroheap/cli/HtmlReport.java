package io.zeroheap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The self-contained HTML report of a {@link BenchReport}: the platform and plan; per thread
 * count and use mode a bar chart ({@link SvgBars}: per size, each allocator's median relative
 * to {@code Arena.ofConfined()}, one bar per regime), the table the terminal prints (per regime
 * p50, ratios to the two references, ops/s, memory held; numbers never wrap), the verdict per
 * size, and every percentile in a folded table; the legend; and the raw results as JSON in a
 * {@code <script type="application/json" id="results">} element, each with its use mode,
 * regime, gap and thread count. No scripts, fonts or styles from elsewhere: it opens offline.
 * Written as well-formed XHTML, so any XML parser reads it back; every row of the percentile
 * tables carries {@code data-allocator} (the id), {@code data-bytes}, {@code data-use},
 * {@code data-regime}, {@code data-gap-ms} and {@code data-threads}. Stateless.
 */
public final class HtmlReport {

    private static final String[] REGIME_COLORS = {"#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#17becf"};

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2.5em; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
            th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
            th:first-child, td:first-child, td.allocator { text-align: left; }
            th.regime { text-align: center; border-left: 1px solid #bbb; }
            td.first { border-left: 1px solid #bbb; }
            table.facts td, table.facts th { text-align: left; white-space: normal; }
            tr.zeroheap td.allocator { font-weight: bold; }
            tr.stale td.allocator { font-style: italic; }
            tr.floor td.allocator { color: #666; }
            tr.size td { background: #f4f4f4; font-weight: bold; text-align: left; }
            td.win { color: #1a7f37; } td.loss { color: #b3261e; }
            ul.verdict { font-size: 0.9em; }
            .chart text { font-size: 11px; fill: #333; }
            .chart text.heading { font-size: 13px; font-weight: bold; }
            .chart text.note { fill: #666; }
            .chart text.bold { font-weight: bold; }
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
        StringBuilder html = new StringBuilder(128 * 1024);
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n");
        html.append("<meta charset=\"utf-8\"/>\n");
        html.append("<title>zeroheap bench, ").append(Xml.escape(report.startedAt().format(DateTimeFormatter.ISO_LOCAL_DATE))).append("</title>\n");
        html.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>zeroheap bench</h1>\n");
        html.append("<p>The seed's allocation benchmark with the buffer used: allocate a buffer, use it (")
                .append(Xml.escape(String.join("; ", plan.uses().stream().map(u -> u.id() + ": " + u.description()).toList())))
                .append("), free it; zeroheap, its peers and the physical floors in one process, one after the other.</p>\n");
        facts(html, report);
        for (int threads : plan.threadCounts()) {
            for (BufferUse use : plan.uses()) {
                section(html, report, threads, use);
            }
        }
        html.append("<h2>Legend</h2>\n<p class=\"legend\">")
                .append(Xml.escape(BenchTables.legend(report.timerOverheadNanos(), report.floors())).replace("\n", "<br/>\n"))
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
        fact(html, "floors", report.floors());
        for (PlatformInfo.Fact fact : report.platform()) {
            fact(html, fact.name(), fact.value());
        }
        html.append("</table>\n");
    }

    private static void fact(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(Xml.escape(name)).append("</th><td>").append(Xml.escape(value)).append("</td></tr>\n");
    }

    private static void section(StringBuilder html, BenchReport report, int threads, BufferUse use) {
        BenchPlan plan = report.plan();
        BenchResults results = report.results();
        String title = use.id() + ", " + Cell.threadsLabel(threads);
        html.append("<h2 id=\"").append(use.id()).append('-').append(threads).append("t\">").append(Xml.escape(title)).append("</h2>\n");
        html.append("<p>").append(Xml.escape(use.description())).append("; ")
                .append(Xml.escape(String.join(", ", plan.regimes().stream().map(Regime::label).toList()))).append(".</p>\n");
        html.append(chart(plan, results, threads, use));
        matrix(html, plan, results, threads, use);
        html.append("<ul class=\"verdict\">\n");
        for (String line : Verdict.lines(plan, results, threads, use)) {
            html.append("<li>").append(Xml.escape(line)).append("</li>\n");
        }
        html.append("</ul>\n");
        html.append("<details><summary>Every percentile, ").append(Xml.escape(title)).append("</summary>\n<div class=\"scroll\">\n");
        details(html, plan, results, threads, use);
        html.append("</div>\n</details>\n");
    }

    /** Per size, each allocator's p50 / Arena.ofConfined()'s, a bar per regime; a note instead if the JDK was not measured. */
    private static String chart(BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        if (!plan.allocators().contains(BenchResults.JDK)) {
            return "<p>No chart: " + Xml.escape(BenchResults.JDK.label()) + " was not measured.</p>\n";
        }
        List<SvgBars.Series> series = new ArrayList<>();
        for (int i = 0; i < plan.regimes().size(); i++) {
            series.add(new SvgBars.Series(plan.regimes().get(i).label(), REGIME_COLORS[i % REGIME_COLORS.length]));
        }
        List<SvgBars.Panel> panels = new ArrayList<>();
        for (long byteSize : plan.byteSizes()) {
            List<List<SvgBars.Bar>> rows = new ArrayList<>();
            for (AllocatorKind kind : plan.allocators()) {
                List<SvgBars.Bar> bars = new ArrayList<>();
                for (int i = 0; i < plan.regimes().size(); i++) {
                    Regime regime = plan.regimes().get(i);
                    Optional<BenchResult> result = results.find(kind, new Cell(use, regime, threads, byteSize));
                    if (result.isPresent() && !Double.isNaN(results.ratioToJdk(result.get()))) {
                        BenchResult r = result.get();
                        double ratio = results.ratioToJdk(r);
                        bars.add(new SvgBars.Bar(i, ratio, kind.label() + ", " + ByteSizes.label(byteSize) + ", " + regime.label()
                                + ": p50 " + Durations.latency(r.p50Nanos(), false) + ", " + Numbers.ratio(ratio) + "x "
                                + BenchResults.JDK.label()));
                    }
                }
                rows.add(bars);
            }
            panels.add(new SvgBars.Panel(ByteSizes.label(byteSize), rows));
        }
        return SvgBars.render("p50 relative to " + BenchResults.JDK.label() + ", " + use.id() + ", " + Cell.threadsLabel(threads),
                "log scale; left of 1x: faster than " + BenchResults.JDK.label() + ", right: slower; one bar per regime",
                plan.allocators().stream().map(AllocatorKind::label).toList(),
                plan.allocators().stream().map(AllocatorKind::isZeroheap).toList(), series, panels);
    }

    private static void matrix(StringBuilder html, BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        html.append("<div class=\"scroll\">\n<table class=\"matrix\" data-use=\"").append(use.id())
                .append("\" data-threads=\"").append(threads).append("\">\n<thead>\n<tr><th rowspan=\"2\">allocator</th>");
        for (Regime regime : plan.regimes()) {
            html.append("<th class=\"regime\" colspan=\"5\">").append(Xml.escape(regime.label())).append("</th>");
        }
        html.append("</tr>\n<tr>");
        for (int i = 0; i < plan.regimes().size(); i++) {
            html.append("<th class=\"regime\">p50</th><th>÷ jdk</th><th>÷ zh</th><th>ops/s</th><th>held</th>");
        }
        html.append("</tr>\n</thead>\n<tbody>\n");
        for (long byteSize : plan.byteSizes()) {
            html.append("<tr class=\"size\"><td colspan=\"").append(1 + 5 * plan.regimes().size()).append("\">")
                    .append(Xml.escape(ByteSizes.label(byteSize))).append("</td></tr>\n");
            for (AllocatorKind kind : plan.allocators()) {
                html.append("<tr class=\"").append(rowClass(kind)).append("\">");
                cell(html, "allocator", kind.label());
                for (Regime regime : plan.regimes()) {
                    Optional<BenchResult> result = results.find(kind, new Cell(use, regime, threads, byteSize));
                    if (result.isEmpty()) {
                        html.append("<td class=\"first\">").append(kind.supports(regime) ? "" : "bursts only").append("</td>")
                                .append("<td></td>".repeat(4));
                        continue;
                    }
                    BenchResult r = result.get();
                    double jdk = results.ratioToJdk(r);
                    cell(html, "first", Durations.latency(r.p50Nanos(), false));
                    cell(html, Double.isNaN(jdk) || jdk == 1 ? null : jdk < 1 ? "win" : "loss", ratioText(jdk));
                    cell(html, null, ratioText(results.ratioToZeroheap(r)));
                    cell(html, null, Numbers.rate(r.opsPerSecond()));
                    cell(html, null, r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()));
                }
                html.append("</tr>\n");
            }
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    private static void details(StringBuilder html, BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        html.append("<table class=\"results\" data-use=\"").append(use.id()).append("\" data-threads=\"").append(threads).append("\">\n");
        html.append("<thead><tr><th>allocator</th><th>regime</th><th>ops</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th>")
                .append("<th>mean</th><th>ops/s</th><th>GB/s</th><th>held</th><th>÷ jdk</th><th>÷ zh</th></tr></thead>\n<tbody>\n");
        for (long byteSize : plan.byteSizes()) {
            html.append("<tr class=\"size\"><td colspan=\"13\">").append(Xml.escape(ByteSizes.label(byteSize))).append("</td></tr>\n");
            for (AllocatorKind kind : plan.allocators()) {
                for (Regime regime : plan.regimes()) {
                    results.find(kind, new Cell(use, regime, threads, byteSize)).ifPresent(r -> detailRow(html, results, r));
                }
            }
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void detailRow(StringBuilder html, BenchResults results, BenchResult r) {
        AllocatorKind kind = r.allocator();
        html.append(String.format(Locale.ROOT,
                "<tr class=\"%s\" data-allocator=\"%s\" data-bytes=\"%d\" data-use=\"%s\" data-regime=\"%s\" data-gap-ms=\"%s\" data-threads=\"%d\">",
                rowClass(kind), kind.id(), r.byteSize(), r.use().id(), r.regime().id(), Numbers.threeDigits(r.regime().gapMillis()),
                r.threads()));
        cell(html, "allocator", kind.label());
        cell(html, null, r.regime().label());
        cell(html, null, String.valueOf(r.operations()));
        cell(html, null, Durations.latency(r.p50Nanos(), false));
        cell(html, null, Durations.latency(r.p99Nanos(), false));
        cell(html, null, Durations.latency(r.p999Nanos(), false));
        cell(html, null, Durations.latency(r.maxNanos(), false));
        cell(html, null, Durations.latency(r.meanNanos(), false));
        cell(html, null, Numbers.rate(r.opsPerSecond()));
        cell(html, null, Numbers.threeDigits(r.bytesPerSecond() / 1e9));
        cell(html, null, r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()));
        cell(html, null, ratioText(results.ratioToJdk(r)));
        cell(html, null, ratioText(results.ratioToZeroheap(r)));
        html.append("</tr>\n");
    }

    private static String rowClass(AllocatorKind kind) {
        return kind.isZeroheap() ? "zeroheap" : kind.isFloor() ? "floor" : kind.zeroed() ? "peer" : "stale";
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "-" : Numbers.ratio(ratio) + "x";
    }

    private static void cell(StringBuilder html, String cssClass, String text) {
        html.append(cssClass == null ? "<td>" : "<td class=\"" + cssClass + "\">").append(Xml.escape(text)).append("</td>");
    }

    /** The raw results: one object per (allocator, cell), latencies in nanoseconds; a missing ratio is null. */
    static String json(BenchReport report) {
        CellBudget budget = report.plan().budget();
        StringBuilder json = new StringBuilder("{\"startedAt\":")
                .append(Xml.jsonString(report.startedAt().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
                .append(",\"command\":").append(Xml.jsonString(report.commandLine()))
                .append(",\"timerOverheadNanos\":").append(report.timerOverheadNanos())
                .append(",\"floors\":").append(Xml.jsonString(report.floors()))
                .append(",\"references\":{\"jdk\":").append(Xml.jsonString(BenchResults.JDK.id()))
                .append(",\"zh\":").append(Xml.jsonString(BenchResults.ZEROHEAP.id())).append('}')
                .append(String.format(Locale.ROOT, ",\"budget\":{\"warmupNanos\":%d,\"measureNanos\":%d,\"maxMeasureNanos\":%d,"
                                + "\"maxBusyNanos\":%d,\"minBursts\":%d,\"minOps\":%d}",
                        budget.warmupNanos(), budget.measureNanos(), budget.maxMeasureNanos(), budget.maxBusyNanos(),
                        budget.minBursts(), budget.minOps()))
                .append(",\"results\":[");
        boolean first = true;
        BenchResults results = report.results();
        for (BenchResult r : results.all()) {
            json.append(first ? "\n" : ",\n");
            first = false;
            json.append(String.format(Locale.ROOT,
                    "{\"allocator\":%s,\"label\":%s,\"zeroed\":%b,\"floor\":%b,\"use\":%s,\"regime\":%s,\"burst\":%d,\"gapMillis\":%s,"
                            + "\"threads\":%d,\"bytes\":%d,\"ops\":%d,\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d,\"mean\":%.1f,"
                            + "\"opsPerSecond\":%.1f,\"peakHeldBytes\":%d,\"ratioToJdk\":%s,\"ratioToZeroheap\":%s}",
                    Xml.jsonString(r.allocator().id()), Xml.jsonString(r.allocator().label()), r.allocator().zeroed(),
                    r.allocator().isFloor(), Xml.jsonString(r.use().id()), Xml.jsonString(r.regime().id()),
                    r.regime().burstLength(), Numbers.threeDigits(r.regime().gapMillis()), r.threads(), r.byteSize(),
                    r.operations(), r.p50Nanos(), r.p99Nanos(), r.p999Nanos(), r.maxNanos(), r.meanNanos(), r.opsPerSecond(),
                    r.peakHeldBytes(), jsonRatio(results.ratioToJdk(r)), jsonRatio(results.ratioToZeroheap(r))));
        }
        return json.append("\n]}").toString();
    }

    private static String jsonRatio(double ratio) {
        return Double.isNaN(ratio) ? "null" : String.format(Locale.ROOT, "%.4f", ratio);
    }
}
