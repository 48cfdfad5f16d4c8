package io.zeroheap.cli;

import java.util.List;

/**
 * What one {@code zeroheap bench} run measures, and for how long. Each combination of regime,
 * touch mode, allocator and size is one <em>cell</em>: warm-up, then measurement.
 *
 * @param byteSizes        buffer sizes in bytes, in the order measured
 * @param allocators       the allocators, in the order measured
 * @param regimes          burst and/or sustained
 * @param touchModes       touched and/or untouched
 * @param reference        the allocator every other one is compared with
 * @param burstLength      buffers per burst (burst regime)
 * @param warmupNanos      warm-up per cell (at least two operations)
 * @param measureNanos     measurement per cell, pauses included (at least one burst, or at
 *                         least {@link #MIN_SUSTAINED_OPS} operations)
 * @param pauseNanos       the least idle time between bursts
 * @param maxIdleWaitNanos the most extra time a zeroheap heap is given to become idle after a burst
 * @param jitWarmupNanos   per allocator, before any cell: 4 KiB operations through both the
 *                         burst loop (without pauses) and the sustained loop, so that the first
 *                         cell does not measure the interpreter and no loop is compiled for one
 *                         allocator alone
 */
public record BenchPlan(
        List<Long> byteSizes,
        List<AllocatorKind> allocators,
        List<Regime> regimes,
        List<TouchMode> touchModes,
        AllocatorKind reference,
        int burstLength,
        long warmupNanos,
        long measureNanos,
        long pauseNanos,
        long maxIdleWaitNanos,
        long jitWarmupNanos) {

    /** The fewest operations a sustained measurement records. */
    public static final int MIN_SUSTAINED_OPS = 4;

    /** Copies the lists. */
    public BenchPlan {
        byteSizes = List.copyOf(byteSizes);
        allocators = List.copyOf(allocators);
        regimes = List.copyOf(regimes);
        touchModes = List.copyOf(touchModes);
    }

    /** The number of cells. */
    public int cellCount() {
        return byteSizes.size() * allocators.size() * regimes.size() * touchModes.size();
    }
}
