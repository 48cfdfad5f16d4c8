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
 * count and use mode two charts ({@link SvgBars}, small multiples, a band per size and a panel
 * per regime, one bar per allocator in its family's colour, values written on the bars): each
 * allocator's median relative to {@code Arena.ofConfined()} (class {@code ratio}), and the most
 * memory it held (class {@code memory}; the JDK arenas hold nothing measurable and say so); the
 * table the terminal prints (per regime p50, ratios to the two references, ops/s, memory held;
 * numeric cells are class {@code num}: right-aligned, tabular figures, never wrapped, wide
 * tables scroll), the verdict per size, and every percentile in a folded table; the legend; and
 * the raw results as JSON in a {@code <script type="application/json" id="results">} element,
 * each with its use mode, regime, gap and thread count. No scripts, fonts or styles from
 * elsewhere: it opens offline. Written as well-formed XHTML, so any XML parser reads it back;
 * every row of the percentile tables carries {@code data-allocator} (the id), {@code data-bytes},
 * {@code data-use}, {@code data-regime}, {@code data-gap-ms} and {@code data-threads}. Stateless.
 */
public final class HtmlReport {

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2.5em; }
            .scroll { overflow-x: auto; max-width: 100%; }
            table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; font-variant-numeric: tabular-nums; }
            th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
            td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
            th:first-child, td:first-child, td.allocator { text-align: left; }
            table.matrix td.allocator, table.results td.allocator, table.matrix thead th:first-child, table.results thead th:first-child {
                position: sticky; left: 0; background: #fff; z-index: 1; }
            th.regime { text-align: center; border-left: 1px solid #bbb; }
            td.first { border-left: 1px solid #bbb; }
            table.facts td, table.facts th { text-align: left; white-space: normal; }
            tr.zeroheap td.allocator { font-weight: bold; }
            tr.stale td.allocator { font-style: italic; }
            tr.floor td.allocator { color: #666; }
            tr.size td { background: #f4f4f4; font-weight: bold; text-align: left; }
            td.win { color: #1a7f37; } td.loss { color: #b3261e; }
            ul.verdict { font-size: 0.9em; }
            svg.chart { display: block; margin: 1em 0 1.5em; }
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
        html.append(ratioChart(plan, results, threads, use));
        html.append(memoryChart(plan, results, threads, use));
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

    /**
     * The ratio chart: per size a band, per regime a panel, per allocator a bar of its p50 ÷
     * {@code Arena.ofConfined()}'s in that cell, from 1x; a note instead if the JDK was not measured.
     */
    private static String ratioChart(BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        if (!plan.allocators().contains(BenchResults.JDK)) {
            return "<p>No chart: " + Xml.escape(BenchResults.JDK.label()) + " was not measured.</p>\n";
        }
        List<Double> values = new ArrayList<>();
        List<SvgBars.Band> bands = bands(plan, results, threads, use, (kind, r, byteSize, where) -> {
            double ratio = results.ratioToJdk(r);
            if (Double.isNaN(ratio)) {
                return SvgBars.Entry.note("no reference", where + ": p50 " + Durations.latency(r.p50Nanos(), false)
                        + "; " + BenchResults.JDK.label() + " not measured in this cell");
            }
            values.add(ratio);
            String label = kind == BenchResults.JDK ? "1x (reference)" : Numbers.ratio(ratio) + "x";
            return SvgBars.Entry.bar(ratio, label, where + ": p50 " + Durations.latency(r.p50Nanos(), false) + ", "
                    + Numbers.ratio(ratio) + "x " + BenchResults.JDK.label());
        });
        SvgBars.Axis axis = SvgBars.Axis.ratios(values);
        return "<div class=\"scroll\">\n" + SvgBars.render("ratio", "p50 relative to " + BenchResults.JDK.label() + ", " + use.id() + ", "
                        + Cell.threadsLabel(threads),
                (axis.log() ? "log scale" : "linear scale") + "; bars from 1x: left of the line faster than "
                        + BenchResults.JDK.label() + ", right slower; one panel per size and regime",
                legend(plan), columns(plan), rows(plan), bands, axis) + "</div>\n";
    }

    /**
     * The memory chart: per size a band, per regime a panel, per allocator a bar of the most it
     * held during that cell; the JDK arenas (and whatever cannot tell) get a note, not a bar.
     */
    private static String memoryChart(BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        List<Double> values = new ArrayList<>();
        List<SvgBars.Band> bands = bands(plan, results, threads, use, (kind, r, byteSize, where) -> {
            long held = r.peakHeldBytes();
            if (held < 0) {
                return isJdkArena(kind)
                        ? SvgBars.Entry.note("nothing measurable", where + ": malloc per buffer, freed on close; nothing to sample")
                        : SvgBars.Entry.note("cannot tell", where + ": the allocator cannot tell what it holds");
            }
            values.add((double) held);
            return SvgBars.Entry.bar(held, ByteSizes.approximate(held), where + ": held at most "
                    + ByteSizes.approximate(held) + " (" + Numbers.threeDigits((double) held / byteSize) + " buffers of "
                    + ByteSizes.label(byteSize) + ")");
        });
        String title = "memory held, " + use.id() + ", " + Cell.threadsLabel(threads);
        Optional<SvgBars.Axis> axis = SvgBars.Axis.bytes(values);
        if (axis.isEmpty()) {
            return "<p class=\"memory\">No memory chart (" + Xml.escape(title) + "): no allocator measured could tell what it held.</p>\n";
        }
        boolean jdk = plan.allocators().stream().anyMatch(HtmlReport::isJdkArena);
        return "<div class=\"scroll\">\n" + SvgBars.render("memory", title,
                (axis.get().log() ? "log scale" : "linear scale") + "; the most each allocator held during the cell (sampled after each"
                        + " burst, or every 10 ms)" + (jdk ? "; JDK arenas malloc and free each buffer: nothing measurable, no bar" : ""),
                legend(plan), columns(plan), rows(plan), bands, axis.get()) + "</div>\n";
    }

    /** What one chart shows for one allocator's measured result in one cell. */
    private interface EntryOf {
        SvgBars.Entry entry(AllocatorKind kind, BenchResult result, long byteSize, String where);
    }

    /**
     * A chart's bands: per size a band, per regime a panel, per allocator an entry, made by
     * {@code entryOf} where the cell was measured, else a note saying why it was not.
     */
    private static List<SvgBars.Band> bands(BenchPlan plan, BenchResults results, int threads, BufferUse use,
                                            EntryOf entryOf) {
        List<SvgBars.Band> bands = new ArrayList<>();
        for (long byteSize : plan.byteSizes()) {
            List<List<SvgBars.Entry>> columns = new ArrayList<>();
            for (Regime regime : plan.regimes()) {
                List<SvgBars.Entry> entries = new ArrayList<>();
                for (AllocatorKind kind : plan.allocators()) {
                    Optional<BenchResult> result = results.find(kind, new Cell(use, regime, threads, byteSize));
                    String where = kind.label() + ", " + ByteSizes.label(byteSize) + ", " + regime.label();
                    entries.add(result.isPresent() ? entryOf.entry(kind, result.get(), byteSize, where)
                            : SvgBars.Entry.note(kind.supports(regime) ? "not measured" : "bursts only",
                                    where + ": " + (kind.supports(regime) ? "not measured" : "runs in bursts only")));
                }
                columns.add(entries);
            }
            bands.add(new SvgBars.Band(ByteSizes.label(byteSize), columns));
        }
        return bands;
    }

    private static boolean isJdkArena(AllocatorKind kind) {
        return kind == AllocatorKind.CONFINED_ARENA || kind == AllocatorKind.SHARED_ARENA;
    }

    private static List<SvgBars.Column> columns(BenchPlan plan) {
        return plan.regimes().stream().map(r -> new SvgBars.Column(r.key(), r.label())).toList();
    }

    private static List<SvgBars.Row> rows(BenchPlan plan) {
        return plan.allocators().stream()
                .map(k -> new SvgBars.Row(k.id(), k.label(), color(k), k.isZeroheap(), !k.zeroed())).toList();
    }

    /** The families of the plan's allocators, in the order first listed. */
    private static List<SvgBars.Key> legend(BenchPlan plan) {
        return plan.allocators().stream().map(Family::of).distinct()
                .map(f -> new SvgBars.Key(f.label, f.shades[Math.min(1, f.shades.length - 1)])).toList();
    }

    /** An allocator's colour: its family's hue, a shade per member (the same in every chart and every run). */
    static String color(AllocatorKind kind) {
        Family family = Family.of(kind);
        List<AllocatorKind> members = java.util.Arrays.stream(AllocatorKind.values()).filter(k -> Family.of(k) == family).toList();
        return family.shades[members.indexOf(kind) % family.shades.length];
    }

    /** Who makes an allocator: one hue each. */
    enum Family {
        ZEROHEAP("zeroheap", "#1f4e9c", "#2f74c0", "#5b9bd8", "#86b6e3", "#aecdec"),
        JDK("JDK", "#4a4a4a", "#7d7d7d", "#a8a8a8"),
        NETTY("Netty", "#a8500f", "#ee8a2f", "#f7b877"),
        FLOOR("physical floors (not allocators)", "#2e7d32", "#5fae63", "#9bd09d");

        final String label;
        final String[] shades;

        Family(String label, String... shades) {
            this.label = label;
            this.shades = shades;
        }

        static Family of(AllocatorKind kind) {
            if (kind.isZeroheap()) {
                return ZEROHEAP;
            }
            if (kind.isFloor()) {
                return FLOOR;
            }
            return kind.id().startsWith("netty-") ? NETTY : JDK;
        }
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
                    number(html, "first", Durations.latency(r.p50Nanos(), false));
                    number(html, Double.isNaN(jdk) || jdk == 1 ? null : jdk < 1 ? "win" : "loss", ratioText(jdk));
                    number(html, null, ratioText(results.ratioToZeroheap(r)));
                    number(html, null, Numbers.rate(r.opsPerSecond()));
                    number(html, null, r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()));
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
        number(html, null, String.valueOf(r.operations()));
        number(html, null, Durations.latency(r.p50Nanos(), false));
        number(html, null, Durations.latency(r.p99Nanos(), false));
        number(html, null, Durations.latency(r.p999Nanos(), false));
        number(html, null, Durations.latency(r.maxNanos(), false));
        number(html, null, Durations.latency(r.meanNanos(), false));
        number(html, null, Numbers.rate(r.opsPerSecond()));
        number(html, null, Numbers.threeDigits(r.bytesPerSecond() / 1e9));
        number(html, null, r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()));
        number(html, null, ratioText(results.ratioToJdk(r)));
        number(html, null, ratioText(results.ratioToZeroheap(r)));
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

    /** A numeric cell: class {@code num} (right-aligned, tabular figures, no wrap) and a no-break space before the unit. */
    private static void number(StringBuilder html, String cssClass, String text) {
        cell(html, cssClass == null ? "num" : "num " + cssClass, text.replace(' ', '\u00a0'));
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
