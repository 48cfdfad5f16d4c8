package io.zeroheap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.zeroheap.cli.ZeroheapCommand.usageError;

/**
 * {@code zeroheap bench}: the seed's allocation benchmark with the buffer really used, zeroheap
 * against its peers and against physical floors, with tables printed as they are done and an
 * HTML report. Turns the options into a {@link BenchPlan}, runs it with a {@link BenchRunner},
 * and prints through {@link BenchTables} and {@link HtmlReport}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = "The seed's allocation benchmark, with the buffers used: zeroheap against its peers and the physical floors.",
        sortOptions = false,
        description = {
            "Measures allocate + use + free of one buffer per operation, per size, use mode, regime, thread count and "
                    + "allocator, all in this process, one after the other: zeroheap's arenas and buffers, Arena.ofConfined, "
                    + "Netty pooled + setZero and three floors by default (-a or --full for the others: zeroheap without deferred "
                    + "freeing, Arena.ofShared, ByteBuffer.allocateDirect, Netty pooled with stale data, hand-over kinds).",
            "Prints one table per thread count and use mode as soon as it is done: per regime each allocator's p50 with its "
                    + "ratio to Arena.ofConfined() and to zeroheap newArena(), aggregate ops/s and memory held, then a verdict per "
                    + "size. Writes an HTML report. The default run takes under a minute on a 2-core machine; --full runs "
                    + "everything, longer and steadier."
        })
public final class BenchCommand implements Callable<Integer> {

    private static final long MAX_BYTE_SIZE = 1L << 30;
    private static final int MAX_THREADS = 64;
    private static final int LEGEND_WIDTH = 120;
    private static final Duration MAX_GAP = Duration.ofSeconds(10);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", converter = ByteSizes.Converter.class,
            defaultValue = "4K,64K,1M,8M,32M",
            description = "Buffer sizes, comma-separated (1 B to 1 GiB; K, M, G are binary). Default: ${DEFAULT-VALUE}.")
    List<Long> byteSizes;

    @Option(names = {"-a", "--allocators"}, split = ",", paramLabel = "ID", converter = AllocatorKind.Converter.class,
            description = "Allocators and floors, comma-separated, from: zeroheap-arena, zeroheap-buffer, zeroheap-buffer-handover, "
                    + "zeroheap-sync-arena, zeroheap-sync-buffer, confined-arena, shared-arena, allocate-direct, netty-stale, "
                    + "netty-zeroed, netty-handover, floor-stale, floor-local, floor-elsewhere. Default: zeroheap-arena, "
                    + "zeroheap-buffer, confined-arena, netty-zeroed, floor-local, floor-stale, floor-elsewhere (--full: all).")
    List<AllocatorKind> allocators;

    @Option(names = "--use", split = ",", paramLabel = "MODE", converter = BufferUse.Converter.class, defaultValue = "fill,page",
            description = "What each operation does with its buffer, comma-separated, one table each: none (nothing), page (one long "
                    + "per 4 KiB page), head (every long of the first 4 KiB), fill (every byte written, then one byte per 64-byte "
                    + "cache line read). Default: ${DEFAULT-VALUE}.")
    List<BufferUse> uses;

    @Option(names = "--regime", paramLabel = "burst|sustained|both", defaultValue = "both",
            description = "sustained: a tight loop; burst: --burst operations back to back, then an idle --gap, one column per gap. "
                    + "Default: ${DEFAULT-VALUE}.")
    String regime;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "8",
            description = "Operations per burst. Default: ${DEFAULT-VALUE}.")
    int burstLength;

    @Option(names = "--gap", split = ",", paramLabel = "MS", converter = Durations.MillisConverter.class, defaultValue = "0,2,20",
            description = "Idle time after each burst, in milliseconds (or with a unit, e.g. 500us), comma-separated: each gap is its "
                    + "own regime. The same for every allocator; nothing waits for zeroheap's worker. Default: ${DEFAULT-VALUE}.")
    List<Duration> gaps;

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "1",
            description = "Benchmark threads, comma-separated (1 to " + MAX_THREADS + "), one set of tables each: N threads run the same "
                    + "loop at once on one allocator instance (hand-over kinds: N allocating threads, each with its own freeing "
                    + "thread). Default: ${DEFAULT-VALUE}.")
    List<Integer> threadCounts;

    @Option(names = "--full", description = "Every allocator (unless -a is given), and longer: 300 ms warm-up, at least 1 s, "
            + "1000 operations and 100 bursts measured per cell, at most 10 s.")
    boolean full;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Warm-up per cell (at least 1 operation; bursts end it with their gap). Default: 5ms (--full: 300ms).")
    Duration warmup;

    @Option(names = "--measure", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Least measurement per cell, gaps included; a cell also runs until it has --min-ops operations and, in "
                    + "bursts, --min-bursts bursts. Default: 15ms (--full: 1s).")
    Duration measure;

    @Option(names = "--max-measure", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Most measurement per cell: past it a cell stops after its next whole burst (sustained: 4 operations), "
                    + "so slow cells (32 MiB of fresh memory) stay short. Default: 420ms (--full: 10s).")
    Duration maxMeasure;

    @Option(names = "--max-busy", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Most busy time per cell (time in operations, gaps excluded): past it a cell stops once it has 4 "
                    + "operations, mid-burst if need be, so a cell of slow operations costs a few of them while one that idles "
                    + "in long gaps still gets its bursts. Default: 150ms (--full: 5s).")
    Duration maxBusy;

    @Option(names = "--min-bursts", paramLabel = "N",
            description = "Fewest bursts a burst cell measures, for a stable p50 with long gaps (unless --max-measure stops it). "
                    + "Default: 20 (--full: 100).")
    Integer minBursts;

    @Option(names = "--min-ops", paramLabel = "N",
            description = "Fewest operations a cell measures (unless --max-measure stops it). Default: 64 (--full: 1000).")
    Integer minOps;

    @Option(names = "--jit-warmup", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Per allocator, before any cell: 4 KiB operations through every loop and use mode, so the JIT has "
                    + "compiled its path and no loop is compiled for one allocator alone. Default: 400ms (--full: 1s).")
    Duration jitWarmup;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where to write the HTML report. Default: zeroheap-bench-<date>-<time>.html in the temporary directory.")
    Path report;

    @Option(names = "--no-report", description = "Write no HTML report.")
    boolean noReport;

    @Option(names = "--progress", negatable = true,
            description = "Progress on standard error: a bar drawn in place (--progress) or nothing (--no-progress). "
                    + "Default: the bar on a terminal, else one line per cell.")
    Boolean progress;

    /** Replaced by --use; kept hidden to say so. */
    @Option(names = "--touch", hidden = true, paramLabel = "MODE")
    String touch;

    /** Replaced by --gap; kept hidden to say so. */
    @Option(names = "--pause", hidden = true, paramLabel = "DURATION")
    String pause;

    /** Replaced by the two fixed references; kept hidden to say so. */
    @Option(names = "--reference", hidden = true, paramLabel = "ID")
    String reference;

    @Override
    public Integer call() throws Exception {
        BenchPlan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ZonedDateTime startedAt = ZonedDateTime.now();
        long start = System.nanoTime();
        List<PlatformInfo.Fact> platform = PlatformInfo.collect();
        String floors = "memory from " + FloorMemory.description() + ", zeroed with " + FloorZeroing.description();
        out.println(BenchTables.header(plan, platform, startedAt, floors));
        out.flush();
        long timerOverhead = BenchRunner.timerOverheadNanos();
        Progress bar = Progress.create(err, progress);
        BenchResults results;
        try {
            results = new BenchRunner(plan, new PrintingListener(plan, bar, out)).run();
        } finally {
            bar.clear();
        }
        BenchReport benchReport = new BenchReport(plan, results, timerOverhead, startedAt, System.nanoTime() - start,
                platform, floors, commandLine());
        out.print(BenchTables.wrappedLegend(timerOverhead, floors, LEGEND_WIDTH));
        out.println("elapsed: " + Durations.latency(benchReport.elapsedNanos()));
        if (!noReport) {
            Path file = report != null ? report
                    : Path.of(System.getProperty("java.io.tmpdir"), "zeroheap-bench-" + startedAt.format(FILE_STAMP) + ".html");
            HtmlReport.write(benchReport, file);
            out.println("report: " + file.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    private String commandLine() {
        java.util.List<String> args = spec.commandLine().getParseResult().originalArgs();
        if (!args.isEmpty() && args.getFirst().equals(spec.name())) { // the whole line, when run as a subcommand
            args = args.subList(1, args.size());
        }
        return ("zeroheap bench " + String.join(" ", args)).strip();
    }

    /** The plan the options ask for; a bad value or a contradiction among them is a usage error. */
    BenchPlan plan() {
        rejectReplaced();
        if (report != null && noReport) {
            throw usageError(spec, "--no-report: given with --report " + report + " (expected: one of them, not both)");
        }
        for (long byteSize : byteSizes) {
            if (byteSize < 1 || byteSize > MAX_BYTE_SIZE) {
                throw usageError(spec, "--sizes: " + ByteSizes.label(byteSize) + " (expected: 1 B to 1 GiB)");
            }
        }
        if (burstLength < 1 || burstLength > 4096) {
            throw usageError(spec, "--burst: " + burstLength + " (expected: 1 to 4096)");
        }
        for (int threads : threadCounts) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw usageError(spec, "--threads: " + threads + " (expected: 1 to " + MAX_THREADS + ")");
            }
        }
        for (Duration gap : gaps) {
            if (gap.compareTo(MAX_GAP) > 0) {
                throw usageError(spec, "--gap: " + Durations.latency(gap.toNanos(), true) + " (expected: 0 to 10000 ms)");
            }
        }
        List<AllocatorKind> kinds = allocators == null || allocators.isEmpty()
                ? (full ? List.of(AllocatorKind.values()) : AllocatorKind.DEFAULTS) : allocators.stream().distinct().toList();
        List<Regime> regimes = regimes();
        if (regimes.stream().noneMatch(r -> kinds.stream().anyMatch(k -> k.supports(r)))) {
            throw usageError(spec, "--regime: sustained with only " + kinds.stream().map(AllocatorKind::id).toList()
                    + " (expected: an allocator that runs sustained, or --regime burst or both)");
        }
        long measureNanos = nanos("--measure", measure, full ? 1000 : 15);
        if (measureNanos == 0) {
            throw usageError(spec, "--measure: 0 (expected: a positive duration)");
        }
        long maxMeasureNanos = nanos("--max-measure", maxMeasure, full ? 10_000 : 420);
        if (maxMeasureNanos < measureNanos) {
            throw usageError(spec, "--max-measure: " + Durations.latency(maxMeasureNanos, true) + " (expected: >= --measure "
                    + Durations.latency(measureNanos, true) + ")");
        }
        long maxBusyNanos = nanos("--max-busy", maxBusy, full ? 5000 : 150);
        if (maxBusyNanos == 0) {
            throw usageError(spec, "--max-busy: 0 (expected: a positive duration)");
        }
        int bursts = count("--min-bursts", minBursts, full ? 100 : 20);
        int ops = count("--min-ops", minOps, full ? 1000 : 64);
        CellBudget budget = new CellBudget(nanos("--warmup", warmup, full ? 300 : 5), measureNanos, maxMeasureNanos, maxBusyNanos,
                bursts, ops);
        return new BenchPlan(byteSizes.stream().distinct().toList(), kinds, uses.stream().distinct().toList(), regimes,
                threadCounts.stream().distinct().toList(), budget, nanos("--jit-warmup", jitWarmup, full ? 1000 : 400));
    }

    /** The regimes of --regime and --gap: sustained first, then one burst regime per distinct gap, in the order given. */
    private List<Regime> regimes() {
        String v = regime.strip().toLowerCase(Locale.ROOT);
        if (!List.of("burst", "sustained", "both").contains(v)) {
            throw usageError(spec, "--regime: '" + regime + "' (expected one of: burst, sustained, both)");
        }
        List<Regime> regimes = new ArrayList<>();
        if (!v.equals("burst")) {
            regimes.add(Regime.SUSTAINED);
        }
        if (!v.equals("sustained")) {
            gaps.stream().map(Duration::toNanos).distinct().forEach(gap -> regimes.add(Regime.burst(burstLength, gap)));
        }
        return regimes;
    }

    private void rejectReplaced() {
        if (touch != null) {
            throw usageError(spec, "--touch: '" + touch + "' is no longer an option (expected: --use none,page,head,fill; "
                    + "touched is --use page, untouched --use none)");
        }
        if (pause != null) {
            throw usageError(spec, "--pause: '" + pause + "' is no longer an option (expected: --gap, the idle milliseconds "
                    + "after each burst, e.g. --gap 0,2,20)");
        }
        if (reference != null) {
            throw usageError(spec, "--reference: '" + reference + "' is no longer an option (expected: nothing; every table "
                    + "compares with both Arena.ofConfined() and zeroheap newArena())");
        }
    }

    private long nanos(String option, Duration value, long defaultMillis) {
        Duration d = value != null ? value : Duration.ofMillis(defaultMillis);
        if (d.compareTo(Duration.ofHours(1)) > 0) {
            throw usageError(spec, option + ": " + d + " (expected: at most 1 hour)");
        }
        return d.toNanos();
    }

    private int count(String option, Integer value, int defaultValue) {
        int n = value != null ? value : defaultValue;
        if (n < 1 || n > 10_000_000) {
            throw usageError(spec, option + ": " + n + " (expected: 1 to 10000000)");
        }
        return n;
    }

    /** Shows progress and prints each table as soon as its cells are done (clearing the progress bar first). */
    private record PrintingListener(BenchPlan plan, Progress progress, PrintWriter out) implements BenchRunner.Listener {
        @Override
        public void cellStarting(int index, int total, String label) {
            progress.cellStarting(index, total, label);
        }

        @Override
        public void cellDone(int index, int total, String label, BenchResult result) {
            progress.cellDone(index, total, label, result);
        }

        @Override
        public void tableDone(int threads, BufferUse use, BenchResults results) {
            progress.clear();
            out.println(BenchTables.table(plan, results, threads, use));
            out.flush();
        }
    }
}
