package io.zeroheap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.zeroheap.cli.ZeroheapCommand.usageError;

/**
 * {@code zeroheap bench}: the seed's allocation benchmark against zeroheap's peers, with a table
 * on the terminal and an HTML report. Turns the options into a {@link BenchPlan}, runs it with
 * a {@link BenchRunner}, and prints through {@link BenchTables} and {@link HtmlReport}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = "The seed's allocation benchmark: zeroheap against its peers, with an HTML report.",
        sortOptions = false,
        description = {
            "Measures allocate + (touch) + free of one buffer, per size and allocator: zeroheap's arenas and "
                    + "buffers, zeroheap without deferred freeing, Arena.ofConfined/ofShared, ByteBuffer.allocateDirect, "
                    + "Netty pooled (stale data) and Netty pooled + setZero, all in this process, one after the other.",
            "Prints p50/p99/p99.9/max and throughput with each allocator's ratio to zeroheap, and writes an HTML "
                    + "report with charts. The default run takes about 30 s on a 2-core machine; --full runs longer "
                    + "and steadier."
        })
public final class BenchCommand implements Callable<Integer> {

    private static final long MAX_BYTE_SIZE = 1L << 30;
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", converter = ByteSizes.Converter.class,
            defaultValue = "4K,64K,1M,8M,32M",
            description = "Buffer sizes, comma-separated (1 B to 1 GiB; K, M, G are binary). Default: ${DEFAULT-VALUE}.")
    List<Long> byteSizes;

    @Option(names = {"-a", "--allocators"}, split = ",", paramLabel = "ID", converter = AllocatorKind.Converter.class,
            description = "Allocators, comma-separated. Default: all of zeroheap-arena, zeroheap-buffer, zeroheap-sync-arena, "
                    + "zeroheap-sync-buffer, confined-arena, shared-arena, allocate-direct, netty-stale, netty-zeroed.")
    List<AllocatorKind> allocators;

    @Option(names = "--regime", paramLabel = "burst|sustained|both", defaultValue = "both",
            description = "burst: --burst buffers back to back, then idle time so zeroheap's worker catches up; "
                    + "sustained: a tight loop. Default: ${DEFAULT-VALUE}.")
    String regime;

    @Option(names = "--touch", paramLabel = "touched|untouched|both", defaultValue = "touched",
            description = "touched: one long written per 4 KiB page of every buffer; untouched: nothing written. Default: ${DEFAULT-VALUE}.")
    String touch;

    @Option(names = "--reference", paramLabel = "ID", converter = AllocatorKind.Converter.class,
            description = "The allocator the others are compared with. Default: zeroheap-arena (or the first zeroheap allocator chosen).")
    AllocatorKind reference;

    @Option(names = "--full", description = "Longer and steadier: 500 ms warm-up and 2 s measurement per cell, 20 ms idle between bursts.")
    boolean full;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Warm-up per cell. Default: 50ms (--full: 500ms).")
    Duration warmup;

    @Option(names = "--measure", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Measurement per cell, pauses included; at least one burst is measured. Default: 200ms (--full: 2s).")
    Duration measure;

    @Option(names = "--pause", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Least idle time between bursts. Default: 5ms (--full: 20ms).")
    Duration pause;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "16",
            description = "Buffers per burst. Default: ${DEFAULT-VALUE}.")
    int burstLength;

    @Option(names = "--jit-warmup", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Per allocator, before any cell: 4 KiB operations through the burst and the sustained loop, so the JIT "
                    + "has compiled its path and no loop is compiled for one allocator alone. "
                    + "Default: 150ms (--full: 1s).")
    Duration jitWarmup;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where to write the HTML report. Default: zeroheap-bench-<date>-<time>.html in the temporary directory.")
    Path report;

    @Option(names = "--no-report", description = "Write no HTML report.")
    boolean noReport;

    @Option(names = "--progress", negatable = true,
            description = "Draw a progress bar on standard error. Default: only when a console is attached.")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
        BenchPlan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ZonedDateTime startedAt = ZonedDateTime.now();
        long start = System.nanoTime();
        List<PlatformInfo.Fact> platform = PlatformInfo.collect();
        long timerOverhead = BenchRunner.timerOverheadNanos();
        ProgressBar bar = new ProgressBar(err, Terminal.decide(progress));
        List<BenchResult> results;
        try {
            results = new BenchRunner(plan, bar).run();
        } finally {
            bar.finish();
        }
        String commandLine = "zeroheap bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BenchReport benchReport = new BenchReport(plan, results, timerOverhead, startedAt, System.nanoTime() - start,
                platform, commandLine.strip());
        out.print(BenchTables.render(benchReport));
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

    /** The plan the options ask for; a contradiction among them is a usage error. */
    BenchPlan plan() {
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
        List<AllocatorKind> kinds = allocators == null || allocators.isEmpty()
                ? List.of(AllocatorKind.values()) : allocators.stream().distinct().toList();
        AllocatorKind ref = reference;
        if (ref == null) {
            ref = kinds.contains(AllocatorKind.ZEROHEAP_ARENA) ? AllocatorKind.ZEROHEAP_ARENA
                    : kinds.stream().filter(AllocatorKind::isZeroheap).findFirst().orElse(kinds.getFirst());
        } else if (!kinds.contains(ref)) {
            throw usageError(spec, "--reference: " + ref.id() + " is not among the allocators measured (" + kinds.stream().map(AllocatorKind::id).toList() + ")");
        }
        long measureNanos = nanos("--measure", measure, full ? 2000 : 200);
        if (measureNanos == 0) {
            throw usageError(spec, "--measure: 0 (expected: a positive duration)");
        }
        return new BenchPlan(byteSizes.stream().distinct().toList(), kinds, choice("--regime", regime, Regime.values()),
                choice("--touch", touch, TouchMode.values()), ref, burstLength,
                nanos("--warmup", warmup, full ? 500 : 50), measureNanos, nanos("--pause", pause, full ? 20 : 5),
                100_000_000, nanos("--jit-warmup", jitWarmup, full ? 1000 : 150));
    }

    private long nanos(String option, Duration value, long defaultMillis) {
        Duration d = value != null ? value : Duration.ofMillis(defaultMillis);
        if (d.compareTo(Duration.ofHours(1)) > 0) {
            throw usageError(spec, option + ": " + d + " (expected: at most 1 hour)");
        }
        return d.toNanos();
    }

    /** "both" (all of them) or one of the ids. */
    private <E extends Enum<E> & Choice> List<E> choice(String option, String value, E[] values) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("both")) {
            return Arrays.asList(values);
        }
        for (E e : values) {
            if (e.id().equals(v)) {
                return List.of(e);
            }
        }
        throw usageError(spec, option + ": '" + value + "' (expected one of: "
                + String.join(", ", Arrays.stream(values).map(Choice::id).toList()) + ", both)");
    }
}
