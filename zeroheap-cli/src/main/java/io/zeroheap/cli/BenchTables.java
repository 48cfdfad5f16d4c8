package io.zeroheap.cli;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The terminal side of a run: a header (printed before the first cell), one table per thread
 * count and use mode (printed as soon as its cells are done), each followed by its verdict per
 * size ({@link Verdict}), and the legend. A table has a column per regime and, per size, two
 * lines per allocator: the median with its ratios to {@code Arena.ofConfined()} ("jdk") and to
 * zeroheap's {@code newArena()} ("zh"), then the aggregate throughput and the memory held.
 * Stateless.
 */
public final class BenchTables {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    private BenchTables() {
    }

    /** When, where and what: date, machine, JDK, memory source, floors' zeroing, the plan. */
    static String header(BenchPlan plan, List<PlatformInfo.Fact> platform, ZonedDateTime startedAt, String floors) {
        BenchReport facts = new BenchReport(plan, new BenchResults(List.of()), 0, startedAt, 0, platform, floors, "");
        return "zeroheap bench, " + startedAt.format(WHEN) + "\n"
                + "machine: " + facts.fact("cpus").replaceFirst("^(\\d+)", "$1 CPUs") + ", " + facts.fact("memory")
                + ", " + facts.fact("os") + "\n"
                + "jdk: " + facts.fact("jdk") + "\n"
                + "zeroheap " + facts.fact("zeroheap") + ": memory source " + facts.fact("memory source")
                + ", worker niceness " + facts.fact("worker niceness")
                + ", transparent huge pages " + facts.fact("transparent huge pages").split(" ")[0] + "\n"
                + "floors: " + floors + "\n"
                + "plan: " + planText(plan) + "\n";
    }

    /** The plan in one line. */
    static String planText(BenchPlan plan) {
        CellBudget budget = plan.budget();
        List<String> gaps = plan.regimes().stream().filter(Regime::isBurst).map(r -> Numbers.threeDigits(r.gapMillis())).toList();
        List<String> regimes = new ArrayList<>();
        if (plan.regimes().contains(Regime.SUSTAINED)) {
            regimes.add("sustained");
        }
        if (!gaps.isEmpty()) {
            regimes.add("bursts of " + plan.burstLength() + " with gaps of " + String.join(", ", gaps) + " ms");
        }
        return plan.cellCount() + " cells (" + plan.byteSizes().size() + " sizes x " + plan.allocators().size() + " allocators x "
                + String.join(", ", plan.uses().stream().map(BufferUse::id).toList()) + " x " + String.join(" and ", regimes)
                + " x " + String.join(", ", plan.threadCounts().stream().map(Cell::threadsLabel).toList()) + "); per cell "
                + Durations.latency(budget.warmupNanos()) + " warm-up, " + Durations.latency(budget.measureNanos())
                + " measured and >= " + budget.minOps() + " operations (bursts: >= " + budget.minBursts() + " bursts), at most "
                + Durations.latency(budget.maxMeasureNanos()) + " measured or " + Durations.latency(budget.maxBusyNanos()) + " busy";
    }

    /** The title of the table of {@code threads} threads and {@code use}. */
    static String tableTitle(int threads, BufferUse use) {
        return "== " + use.id() + ", " + Cell.threadsLabel(threads) + " (" + use.description() + ")";
    }

    /** One table, its title above and its verdict per size below. */
    static String table(BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        List<String> header = new ArrayList<>();
        header.add("size / allocator");
        plan.regimes().forEach(regime -> header.add(regime.label()));
        TerminalTable table = new TerminalTable(header.toArray(String[]::new));
        boolean first = true;
        for (long byteSize : plan.byteSizes()) {
            if (!first) {
                table.blank();
            }
            first = false;
            table.row(ByteSizes.label(byteSize));
            for (AllocatorKind kind : plan.allocators()) {
                List<String> latency = new ArrayList<>(List.of("  " + kind.label()));
                List<String> throughput = new ArrayList<>(List.of(""));
                for (Regime regime : plan.regimes()) {
                    Optional<BenchResult> result = results.find(kind, new Cell(use, regime, threads, byteSize));
                    latency.add(result.map(r -> latencyCell(results, r)).orElse(kind.supports(regime) ? "" : "(bursts only)"));
                    throughput.add(result.map(BenchTables::throughputCell).orElse(""));
                }
                table.row(latency.toArray(String[]::new));
                table.row(throughput.toArray(String[]::new));
            }
        }
        StringBuilder out = new StringBuilder(tableTitle(threads, use)).append('\n');
        out.append("per allocator: p50, its ratio to ").append(BenchResults.JDK.label()).append(" (jdk) and to ")
                .append(BenchResults.ZEROHEAP.label()).append(" (zh); under it aggregate ops/s and memory held\n");
        out.append(table.render());
        out.append("verdict, ").append(use.id()).append(", ").append(Cell.threadsLabel(threads)).append(":\n");
        Verdict.lines(plan, results, threads, use).forEach(line -> out.append("  ").append(line).append('\n'));
        return out.toString();
    }

    /** {@code "4.2 µs  0.31x jdk  1.00x zh"}, padded so the parts line up. */
    static String latencyCell(BenchResults results, BenchResult r) {
        return String.format("%7s %5s jdk %5s zh", Durations.latency(r.p50Nanos()),
                ratioText(results.ratioToJdk(r)), ratioText(results.ratioToZeroheap(r)));
    }

    /** {@code "238 k ops/s, 16 MiB"} (no memory where the allocator cannot tell). */
    static String throughputCell(BenchResult r) {
        return Numbers.rate(r.opsPerSecond()) + " ops/s" + (r.peakHeldBytes() < 0 ? "" : ", " + ByteSizes.approximate(r.peakHeldBytes()));
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "-" : Numbers.ratio(ratio) + "x";
    }

    /**
     * The legend for the terminal: each paragraph of {@link #legend} wrapped at {@code width}
     * columns, continuation lines indented by two spaces.
     */
    static String wrappedLegend(long timerOverheadNanos, String floors, int width) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : legend(timerOverheadNanos, floors).split("\n")) {
            int column = 0;
            boolean lineStart = true;
            for (String word : paragraph.split(" ")) {
                if (!lineStart && column + 1 + word.length() > width) {
                    out.append("\n  ");
                    column = 2;
                    lineStart = true;
                }
                if (!lineStart) {
                    out.append(' ');
                    column++;
                }
                out.append(word);
                column += word.length();
                lineStart = false;
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** What the numbers mean and what is included: one paragraph per line. */
    static String legend(long timerOverheadNanos, String floors) {
        return "latency: one allocate + use + free, timed with System.nanoTime() around it on each benchmark thread; the timer's own"
                + " cost (" + Durations.latency(timerOverheadNanos) + " here, median) is included, not subtracted. p50 of all the"
                + " cell's threads' operations together.\n"
                + "jdk / zh: the allocator's p50 / " + BenchResults.JDK.label() + "'s / " + BenchResults.ZEROHEAP.label()
                + "'s in the same cell (below 1: faster). verdict: where newArena() and HeapBuffer win (ratio below 1) and lose"
                + " against " + BenchResults.JDK.label() + " among the table's cells; no tolerance, so read ratios near 1 as ties.\n"
                + "ops/s: aggregate, the sum over threads of operations per second of busy time (gaps between bursts excluded)."
                + " held: the most the allocator held during the measurement: a zeroheap heap's memory from the OS, Netty's"
                + " arenas' direct memory, allocateDirect's JVM direct buffer pool (buffers awaiting the GC included), the floors'"
                + " segments; none for the JDK arenas.\n"
                + "bursts: each thread runs its bursts back to back, then idles for the gap; nothing waits for zeroheap's worker."
                + " Threads: N threads run the same loop at once on one allocator instance.\n"
                + "hand-over kinds: a thread allocates and uses each buffer and hands it through a bounded queue to a second"
                + " thread, which reads one byte per cache line and frees it; latency is the first thread's allocate + use,"
                + " ops/s the pair's (until the buffers are freed).\n"
                + "floors (not allocators): stale hot stack = a per-thread LIFO stack of segments reused without zeroing"
                + " (what handing out dirty memory costs); zeroed on free = the same, each segment zeroed by its thread right"
                + " after use; zeroed elsewhere = a burst's segments, zeroed by a zeroer thread in the gap after each"
                + " burst (bursts only). Floors: " + floors + ".\n"
                + "Netty pooled (stale data) and floor: stale hot stack hand out the previous user's bytes; every other"
                + " allocator hands out zeroed memory.\n"
                + "Sample counts are small in the default run; --full runs longer and steadier.\n";
    }
}
