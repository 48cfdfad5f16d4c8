package io.zeroheap.cli;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one allocator in one {@link Cell}: {@link Cell#threads()} benchmark threads at once on
 * the one allocator instance, each with its own loop and histogram ({@link OwnBufferLoop}, or
 * {@link HandOverLoop} with a freeing thread each for hand-over kinds), meeting at a
 * {@link StartLine} between warm-up and measurement; then merges their histograms into one
 * {@link BenchResult}, whose throughput is the sum of the threads' (each thread's operations
 * per second of its own busy time). Called by one thread at a time; it starts and joins every
 * thread it uses.
 */
final class CellRun {

    private CellRun() {
    }

    /**
     * Runs the cell and returns its result.
     *
     * @throws IllegalStateException if a benchmark thread failed (its exception is the cause)
     */
    static BenchResult run(AllocatorKind kind, Allocator allocator, Cell cell, CellBudget budget) throws InterruptedException {
        int count = cell.threads();
        StartLine line = new StartLine(count);
        LoopTally[] tallies = new LoopTally[count];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            String name = "bench-" + (i + 1) + "-of-" + count;
            threads.add(Thread.ofPlatform().name(name).daemon().start(() -> {
                try {
                    tallies[index] = loop(kind, allocator, cell, budget, line, name);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    line.abort();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(kind.id() + " failed in cell " + cell.label() + ": " + failure.get(), failure.get());
        }
        return merge(kind, cell, tallies);
    }

    private static LoopTally loop(AllocatorKind kind, Allocator allocator, Cell cell, CellBudget budget, StartLine line,
                                  String name) throws InterruptedException {
        if (kind.handsOver()) {
            return handOver((HandOverAllocator<?>) allocator, cell, budget, line, name + "-free");
        }
        return new OwnBufferLoop(allocator, cell, budget).run(line);
    }

    private static <B> LoopTally handOver(HandOverAllocator<B> allocator, Cell cell, CellBudget budget, StartLine line,
                                          String name) throws InterruptedException {
        return new HandOverLoop<>(allocator, cell, budget).run(line, name);
    }

    /** The threads' histograms merged; throughput summed; memory held the highest any thread saw. */
    static BenchResult merge(AllocatorKind kind, Cell cell, LoopTally[] tallies) {
        Histogram merged = new Histogram(3);
        double opsPerSecond = 0;
        long peakHeld = -1;
        long sink = 0;
        for (LoopTally tally : tallies) {
            merged.add(tally.histogram);
            opsPerSecond += tally.opsPerSecond();
            peakHeld = Math.max(peakHeld, tally.peakHeldBytes);
            sink += tally.sink;
        }
        Sink.consume(sink);
        return new BenchResult(kind, cell, merged.getTotalCount(),
                merged.getValueAtPercentile(50), merged.getValueAtPercentile(99), merged.getValueAtPercentile(99.9),
                merged.getMaxValue(), merged.getMean(), opsPerSecond, peakHeld);
    }
}
