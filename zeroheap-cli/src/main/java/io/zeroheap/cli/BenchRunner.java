package io.zeroheap.cli;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link BenchPlan} on the calling thread and returns one {@link BenchResult} per
 * cell.
 *
 * <p><b>What is timed.</b> Each operation on its own: {@code System.nanoTime()} before and after
 * one {@link Allocator#cycle} (allocate, touch, free), the difference recorded in an
 * HdrHistogram with 3 significant digits. The two timer reads are included (see
 * {@link #timerOverheadNanos()}); nothing is subtracted.
 *
 * <p><b>Order.</b> For each regime, touch mode and allocator a fresh allocator instance is
 * created (a zeroheap one builds its own heap), run through every size and closed, so
 * allocators never share a heap and each leaves nothing behind for the next. The allocators'
 * order is the plan's, rotated by one for each combination of regime and touch mode (see
 * {@link #order}), so no allocator always runs first. Before each size the allocator is
 * trimmed (zeroheap heaps drained and shrunk to nothing; direct buffers collected), so every
 * size starts alike; the warm-up then fills what pools fill.
 *
 * <p><b>JIT warm-up.</b> Before the first cell, every allocator runs 4 KiB operations through
 * both loops, bursts (without pauses) and sustained, for each touch mode, so the JIT has
 * compiled each allocator's path and both loops' call sites have seen every allocator: no
 * allocator gets a call site that was compiled for it alone.
 *
 * <p><b>Regimes.</b> Burst: {@link BenchPlan#burstLength()} operations back to back, then a
 * pause of at least {@link BenchPlan#pauseNanos()} and, for a zeroheap heap, until its worker
 * is idle (at most {@link BenchPlan#maxIdleWaitNanos()} more); only whole bursts are measured.
 * Sustained: one operation after the other until the time is up.
 */
public final class BenchRunner {

    /** Receives progress, between phases only (never while an operation is timed). */
    public interface Listener {
        /** Cell {@code index} (0-based) of {@code total} is starting; {@code label} says which. */
        void cellStarting(int index, int total, String label);
    }

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long SAMPLE_HELD_EVERY_NANOS = 10_000_000;
    private static final int JIT_WARMUP_BYTES = 4096;

    private final BenchPlan plan;
    private final Listener listener;
    /** Written once per phase so the JIT cannot drop the buffers' last use. */
    private volatile long sink;

    /** Creates a runner for {@code plan} that reports progress to {@code listener}. */
    public BenchRunner(BenchPlan plan, Listener listener) {
        this.plan = plan;
        this.listener = listener;
    }

    /** Runs every cell of the plan and returns the results, in the order run. */
    public List<BenchResult> run() {
        int total = plan.cellCount();
        if (plan.jitWarmupNanos() > 0) {
            long share = plan.jitWarmupNanos() / (2L * plan.touchModes().size());
            for (AllocatorKind kind : plan.allocators()) {
                listener.cellStarting(0, total, "JIT warm-up: " + kind.label());
                try (Allocator allocator = kind.create()) {
                    for (TouchMode mode : plan.touchModes()) {
                        bursts(allocator, JIT_WARMUP_BYTES, mode.touch(), share, false, false, null);
                        sustained(allocator, JIT_WARMUP_BYTES, mode.touch(), share, null);
                    }
                }
            }
        }
        List<BenchResult> results = new ArrayList<>(total);
        int index = 0;
        int combination = 0;
        for (Regime regime : plan.regimes()) {
            for (TouchMode mode : plan.touchModes()) {
                for (AllocatorKind kind : order(plan.allocators(), combination++)) {
                    try (Allocator allocator = kind.create()) {
                        for (long byteSize : plan.byteSizes()) {
                            listener.cellStarting(index++, total, regime.id() + ", " + mode.id() + ": "
                                    + kind.label() + ", " + ByteSizes.label(byteSize));
                            results.add(cell(allocator, kind, regime, mode, (int) byteSize));
                        }
                    }
                }
            }
        }
        return results;
    }

    /**
     * The allocators in the order combination {@code combination} (of regime and touch mode,
     * counted from 0) runs them: the plan's order rotated left by {@code combination}, so no
     * allocator is always the first to run after the JIT warm-up.
     */
    static List<AllocatorKind> order(List<AllocatorKind> allocators, int combination) {
        List<AllocatorKind> rotated = new ArrayList<>(allocators);
        Collections.rotate(rotated, -(combination % Math.max(1, allocators.size())));
        return rotated;
    }

    private BenchResult cell(Allocator allocator, AllocatorKind kind, Regime regime, TouchMode mode, int byteSize) {
        allocator.trim();
        boolean touch = mode.touch();
        Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        histogram.setAutoResize(true);
        Phase phase;
        if (regime == Regime.BURST) {
            bursts(allocator, byteSize, touch, plan.warmupNanos(), false, true, null);
            phase = bursts(allocator, byteSize, touch, plan.measureNanos(), true, true, histogram);
        } else {
            sustained(allocator, byteSize, touch, plan.warmupNanos(), null);
            phase = sustained(allocator, byteSize, touch, plan.measureNanos(), histogram);
        }
        long ops = histogram.getTotalCount();
        return new BenchResult(kind, regime, mode, byteSize, ops,
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getMean(),
                phase.busyNanos > 0 ? ops * 1e9 / phase.busyNanos : 0, phase.peakHeldBytes);
    }

    /**
     * Bursts until {@code budgetNanos} have passed (pauses included). A measurement runs whole
     * bursts, at least one; a warm-up stops mid-burst once the time is up and two operations
     * ran. Without {@code pause} (the JIT warm-up, which needs many operations, not idle time)
     * the bursts follow each other at once.
     */
    private Phase bursts(Allocator allocator, int byteSize, boolean touch, long budgetNanos, boolean wholeBursts, boolean pause,
                         Histogram histogram) {
        Phase phase = new Phase();
        long value = 0;
        long start = System.nanoTime();
        long ops = 0;
        boolean done = false;
        while (!done) {
            long burstStart = System.nanoTime();
            long t1 = burstStart;
            for (int i = 0; i < plan.burstLength(); i++) {
                long t0 = System.nanoTime();
                value += allocator.cycle(byteSize, touch);
                t1 = System.nanoTime();
                if (histogram != null) {
                    histogram.recordValue(t1 - t0);
                }
                ops++;
                if (!wholeBursts && ops >= 2 && t1 - start >= budgetNanos) {
                    break;
                }
            }
            phase.busyNanos += t1 - burstStart;
            phase.sampleHeld(allocator);
            if (pause) {
                LockSupport.parkNanos(plan.pauseNanos());
                allocator.awaitIdle(plan.maxIdleWaitNanos());
            }
            done = System.nanoTime() - start >= budgetNanos && (ops >= 2 || wholeBursts);
        }
        sink = value;
        return phase;
    }

    /** One operation after the other until {@code budgetNanos} have passed and at least a few ran. */
    private Phase sustained(Allocator allocator, int byteSize, boolean touch, long budgetNanos, Histogram histogram) {
        Phase phase = new Phase();
        long value = 0;
        long start = System.nanoTime();
        long lastSample = start;
        long t1;
        long ops = 0;
        do {
            long t0 = System.nanoTime();
            value += allocator.cycle(byteSize, touch);
            t1 = System.nanoTime();
            if (histogram != null) {
                histogram.recordValue(t1 - t0);
            }
            ops++;
            if (t1 - lastSample >= SAMPLE_HELD_EVERY_NANOS) {
                phase.sampleHeld(allocator);
                lastSample = System.nanoTime();
            }
        } while (t1 - start < budgetNanos || ops < BenchPlan.MIN_SUSTAINED_OPS);
        phase.busyNanos = t1 - start;
        phase.sampleHeld(allocator);
        sink = value;
        return phase;
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

    /** Busy time and the memory high-water mark of one phase. */
    private static final class Phase {
        long busyNanos;
        long peakHeldBytes = -1;

        void sampleHeld(Allocator allocator) {
            peakHeldBytes = Math.max(peakHeldBytes, allocator.heldBytes());
        }
    }
}
