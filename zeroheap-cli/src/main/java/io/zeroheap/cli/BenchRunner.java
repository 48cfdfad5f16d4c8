package io.zeroheap.cli;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs a {@link BenchPlan}, table after table, and returns one {@link BenchResult} per
 * (allocator, cell); a {@link Listener} hears of every cell and of every finished table, so
 * the terminal output can print as it goes.
 *
 * <p><b>What is timed.</b> Each operation on its own, on each benchmark thread:
 * {@code System.nanoTime()} before and after, recorded into that thread's HdrHistogram with 3
 * significant digits; the timer's own cost is included (see {@link #timerOverheadNanos()}),
 * nothing is subtracted. See {@link CellRun}, {@link OwnBufferLoop} and {@link HandOverLoop}.
 *
 * <p><b>Order.</b> Tables by thread count, then use mode; within a table, regime by regime, a
 * fresh allocator instance per allocator (a zeroheap one builds its own heap), run through
 * every size and closed, so allocators never share a heap and each leaves nothing behind for
 * the next. The allocators' order is the plan's, rotated by one for each regime of each table
 * (see {@link #order}), so no allocator always runs first. Before each cell the allocator is
 * trimmed (zeroheap heaps drained and shrunk to nothing, floors' segments freed, direct buffers
 * collected), so every cell starts alike; its warm-up then fills what pools fill.
 *
 * <p><b>JIT warm-up.</b> Before the first cell, every allocator runs 4 KiB operations through
 * each loop it will run (bursts without gaps, sustained), for each use mode, on one thread, so
 * the JIT has compiled each allocator's path and the loops' call sites have seen every
 * allocator: no allocator gets a call site that was compiled for it alone.
 *
 * <p>Not thread-safe: {@link #run()} is called once, by one thread.
 */
public final class BenchRunner {

    /** Hears of progress, between cells only (never while an operation is timed); called on the running thread. */
    public interface Listener {

        /** Cell {@code index} (0-based) of {@code total} is starting; {@code label} says which. */
        void cellStarting(int index, int total, String label);

        /** Cell {@code index} (0-based) of {@code total} is done with {@code result}. */
        default void cellDone(int index, int total, String label, BenchResult result) {
        }

        /** The table of {@code threads} threads and {@code use} is complete in {@code results} (all results so far). */
        default void tableDone(int threads, BufferUse use, BenchResults results) {
        }
    }

    private static final int JIT_WARMUP_BYTES = 4096;

    private final BenchPlan plan;
    private final Listener listener;

    /** Creates a runner for {@code plan} that reports progress to {@code listener}. */
    public BenchRunner(BenchPlan plan, Listener listener) {
        this.plan = plan;
        this.listener = listener;
    }

    /**
     * Runs every cell of the plan and returns the results, in the order run.
     *
     * @throws InterruptedException  if interrupted
     * @throws IllegalStateException if an allocator failed in a cell
     */
    public BenchResults run() throws InterruptedException {
        int total = plan.cellCount();
        jitWarmUp(total);
        List<BenchResult> results = new ArrayList<>(total);
        int index = 0;
        int combination = 0;
        for (int threads : plan.threadCounts()) {
            for (BufferUse use : plan.uses()) {
                for (Regime regime : plan.regimes()) {
                    for (AllocatorKind kind : order(plan.allocators(regime), combination)) {
                        try (Allocator allocator = kind.create()) {
                            for (long byteSize : plan.byteSizes()) {
                                Cell cell = new Cell(use, regime, threads, byteSize);
                                String label = cell.label() + ": " + kind.label();
                                listener.cellStarting(index, total, label);
                                allocator.trim();
                                BenchResult result = CellRun.run(kind, allocator, cell, plan.budget());
                                results.add(result);
                                listener.cellDone(index++, total, label, result);
                            }
                        }
                    }
                    combination++;
                }
                listener.tableDone(threads, use, new BenchResults(results));
            }
        }
        return new BenchResults(results);
    }

    private void jitWarmUp(int total) throws InterruptedException {
        if (plan.jitWarmupNanos() <= 0) {
            return;
        }
        List<Regime> loops = List.of(Regime.burst(Math.max(1, plan.burstLength()), 0), Regime.SUSTAINED);
        long share = Math.max(1, plan.jitWarmupNanos() / (loops.size() * plan.uses().size()));
        CellBudget budget = new CellBudget(share / 2, Math.max(1, share / 2), Math.max(1, share / 2), Math.max(1, share / 2), 1, 1);
        for (AllocatorKind kind : plan.allocators()) {
            listener.cellStarting(0, total, "JIT warm-up: " + kind.label());
            try (Allocator allocator = kind.create()) {
                for (BufferUse use : plan.uses()) {
                    for (Regime regime : loops) {
                        if (kind.supports(regime)) {
                            CellRun.run(kind, allocator, new Cell(use, regime, 1, JIT_WARMUP_BYTES), budget);
                        }
                    }
                }
            }
        }
    }

    /**
     * The allocators in the order combination {@code combination} (of thread count, use mode
     * and regime, counted from 0) runs them: rotated left by {@code combination}, so no
     * allocator is always the first to run.
     */
    static List<AllocatorKind> order(List<AllocatorKind> allocators, int combination) {
        List<AllocatorKind> rotated = new ArrayList<>(allocators);
        Collections.rotate(rotated, -(combination % Math.max(1, allocators.size())));
        return rotated;
    }

    /**
     * Measures what two back-to-back {@code System.nanoTime()} calls cost here (the median of
     * many tries), the overhead included in every recorded latency.
     */
    public static long timerOverheadNanos() {
        Histogram histogram = new Histogram(3); // auto-resizing: a descheduled thread can take milliseconds
        for (int i = 0; i < 200_000; i++) {
            long t0 = System.nanoTime();
            long t1 = System.nanoTime();
            histogram.recordValue(t1 - t0);
        }
        return histogram.getValueAtPercentile(50);
    }
}
