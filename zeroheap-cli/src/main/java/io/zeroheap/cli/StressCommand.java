package io.zeroheap.cli;

import io.zeroheap.HeapStats;
import io.zeroheap.SystemHeap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.zeroheap.cli.ZeroheapCommand.usageError;

/**
 * {@code zeroheap stress}: threads allocate, check, write, hand over and free buffers of random
 * sizes under a budget while the accounting identity is checked; exits 1 at the first
 * violation, saying what was seen. Turns the options into a {@link StressConfig} and runs a
 * {@link StressRun}.
 *
 * <p>{@code --inject-fault=zero|accounting|tag} is hidden and TEST ONLY: see {@link FaultInjection}.
 */
@Command(name = "stress",
        mixinStandardHelpOptions = true,
        header = "Threads allocate, check, hand over and free buffers under a budget; exits 1 at the first violation.",
        sortOptions = false,
        description = {
            "Threads allocate buffers of random sizes (log-uniform) from one heap with a budget, check that each reads "
                    + "zero, write into it, then free it, keep it a while, or hand it (or a retained extra reference) to "
                    + "another thread, which checks that what its owner wrote is intact before freeing it. One allocation "
                    + "in four uses a confined heap arena.",
            "Every interval the accounting identity (allocated + pooled + pending == reserved, within the budget, no "
                    + "failed frees) is checked on a HeapStats snapshot and a live line shows allocations/s, memory in use, "
                    + "pooled, pending and RSS. At the end, with everything freed and the heap drained, nothing may be "
                    + "left allocated or pending.",
            "Exits 1 at the first violation, saying what was seen; 0 if there was none."
        })
public final class StressCommand implements Callable<Integer> {

    /** Pages of the slab a heap arena slices allocations of at most half a page from (zeroheap's {@code HeapArena}). */
    private static final int ARENA_SLAB_PAGES = 4;

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "4",
            description = "Allocating threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s", converter = Durations.Converter.class,
            description = "How long to run (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--max-bytes", paramLabel = "SIZE", defaultValue = "256M", converter = ByteSizes.Converter.class,
            description = "The heap's budget (SystemHeap maxBytes). Default: ${DEFAULT-VALUE}.")
    long maxBytes;

    @Option(names = "--min-size", paramLabel = "SIZE", defaultValue = "64", converter = ByteSizes.Converter.class,
            description = "The smallest buffer. Default: ${DEFAULT-VALUE} bytes.")
    long minByteSize;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "4M", converter = ByteSizes.Converter.class,
            description = "The largest buffer. Default: ${DEFAULT-VALUE}.")
    long maxByteSize;

    @Option(names = "--full-check-below", paramLabel = "SIZE", defaultValue = "256K", converter = ByteSizes.Converter.class,
            description = "Buffers up to this size are checked (and written) in full; larger ones in their first and last "
                    + "64 KiB and the first 64 bytes of every 4 KiB page in between. At least 128K. Default: ${DEFAULT-VALUE}.")
    long fullCheckBytes;

    @Option(names = "--queue-depth", paramLabel = "N", defaultValue = "16",
            description = "Buffers each thread's inbox holds. Default: ${DEFAULT-VALUE}.")
    int queueDepth;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices. Default: a new one, printed.")
    Long seed;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.Converter.class,
            description = "How often to check the accounting identity and draw the live line. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--deferred-free", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Defer frees to the heap's worker (--no-deferred-free: zero on the freeing thread). Default: deferred.")
    boolean deferredFree;

    @Option(names = "--progress", negatable = true,
            description = "Redraw the live line in place on standard error. Default: only when a console is attached; "
                    + "otherwise one line per interval on standard output.")
    Boolean progress;

    @Option(names = "--fault-rate", paramLabel = "P", defaultValue = "0",
            description = "Make this share (0 to 1) of the heap's calls into the OS fail (mmap, munmap, madvise, zeroing), "
                    + "to see every allocation still read zero or fail clearly and nothing be lost. Default: 0.")
    double faultRate;

    @Option(names = "--inject-fault", hidden = true, paramLabel = "zero|accounting|tag",
            description = "TEST ONLY: corrupt what the run checks, to see a violation reported.")
    FaultInjection fault;

    @Override
    public Integer call() throws InterruptedException {
        StressConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean inPlace = Terminal.decide(progress);
        out.println(String.format(Locale.ROOT,
                "zeroheap stress: %d threads for %s, budget %s, sizes %s to %s (log-uniform), %s frees, seed %d",
                config.threads(), Durations.latency(config.durationNanos()), ByteSizes.approximate(config.maxBytes()),
                ByteSizes.label(config.minByteSize()), ByteSizes.label(config.maxByteSize()),
                config.deferredFree() ? "deferred" : "synchronous", config.seed()));
        out.println("every allocation is checked to read zero: " + Patterns.describe(config.fullCheckBytes()));
        if (config.fault() != FaultInjection.NONE) {
            out.println("TEST ONLY: --inject-fault=" + config.fault().name().toLowerCase(Locale.ROOT)
                    + " (the run corrupts what it checks itself; zeroheap is not at fault)");
        }
        out.flush();
        String violation = new StressRun(config, out, inPlace ? err : out, inPlace).run();
        if (violation != null) {
            err.println("zeroheap stress: VIOLATION: " + violation);
            err.flush();
            return ZeroheapCommand.FAILED;
        }
        return 0;
    }

    /** The configuration the options ask for; a contradiction among them is a usage error. */
    StressConfig config() {
        if (!(faultRate >= 0 && faultRate <= 1)) {
            throw usageError(spec, "--fault-rate: " + faultRate + " (expected: 0 to 1)");
        }
        if (threads < 1 || threads > 1024) {
            throw usageError(spec, "--threads: " + threads + " (expected: 1 to 1024)");
        }
        if (duration.isZero()) {
            throw usageError(spec, "--duration: 0 (expected: a positive duration)");
        }
        if (minByteSize < 1) {
            throw usageError(spec, "--min-size: " + minByteSize + " (expected: >= 1)");
        }
        if (maxByteSize < minByteSize) {
            throw usageError(spec, "--max-size: " + ByteSizes.label(maxByteSize) + " (expected: >= --min-size " + ByteSizes.label(minByteSize) + ")");
        }
        if (maxByteSize > maxBytes) {
            throw usageError(spec, "--max-size: " + ByteSizes.label(maxByteSize) + " (expected: <= --max-bytes " + ByteSizes.label(maxBytes) + ")");
        }
        requireFitsInBudget();
        if (fullCheckBytes < Patterns.MIN_FULL_CHECK_BYTES) {
            throw usageError(spec, "--full-check-below: " + ByteSizes.label(fullCheckBytes) + " (expected: >= 128 KiB)");
        }
        if (queueDepth < 1) {
            throw usageError(spec, "--queue-depth: " + queueDepth + " (expected: >= 1)");
        }
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw usageError(spec, "--interval: " + interval + " (expected: >= 10ms)");
        }
        return new StressConfig(threads, duration.toNanos(), maxBytes, minByteSize, maxByteSize, fullCheckBytes, queueDepth,
                seed != null ? seed : System.nanoTime() ^ System.currentTimeMillis(), interval.toNanos(), deferredFree,
                fault == null ? FaultInjection.NONE : fault, faultRate);
    }

    /**
     * The heap books every buffer at its size class (four classes per doubling, whole pages;
     * see {@link HeapStats#sizeClasses()}) or, above the largest class, in whole pages, and
     * refuses for good ({@code IllegalArgumentException}) a size whose chunk could never fit
     * in the budget. So the largest buffer, rounded up the way the stress heap rounds it, must
     * fit in {@code --max-bytes}; and when buffers of at most half a page are drawn, so must
     * the slab a heap arena slices them from. The classes are read from a heap built like the
     * stress run's (no memory is mapped).
     */
    private void requireFitsInBudget() {
        HeapStats stats;
        try (SystemHeap heap = SystemHeap.builder().name("zeroheap-stress-check").maxBytes(maxBytes)
                .deferredFree(false).register(false).build()) {
            stats = heap.stats();
        }
        long chunkByteSize = chunkByteSize(stats, maxByteSize);
        if (chunkByteSize > maxBytes) {
            throw usageError(spec, "--max-size: " + ByteSizes.label(maxByteSize) + " rounds up to its size class of "
                    + ByteSizes.label(chunkByteSize) + ", above --max-bytes " + ByteSizes.label(maxBytes)
                    + " (expected: a --max-size whose size class fits in --max-bytes; lower --max-size or raise --max-bytes)");
        }
        long slabByteSize = chunkByteSize(stats, ARENA_SLAB_PAGES * stats.pageSize());
        if (minByteSize <= stats.pageSize() / 2 && slabByteSize > maxBytes) {
            throw usageError(spec, "--max-bytes: " + ByteSizes.label(maxBytes) + " is below the " + ByteSizes.label(slabByteSize)
                    + " slab a heap arena slices buffers of up to half a page from (expected: >= " + ByteSizes.label(slabByteSize)
                    + ", or --min-size above " + ByteSizes.label(stats.pageSize() / 2) + ")");
        }
    }

    /** The bytes the heap of {@code stats} books for a buffer of {@code byteSize}: its size class, or whole pages above the largest. */
    static long chunkByteSize(HeapStats stats, long byteSize) {
        for (HeapStats.SizeClassStats sizeClass : stats.sizeClasses()) {
            if (sizeClass.chunkByteSize() >= byteSize) {
                return sizeClass.chunkByteSize();
            }
        }
        long pageBytes = stats.pageSize();
        return (byteSize + pageBytes - 1) / pageBytes * pageBytes;
    }
}
