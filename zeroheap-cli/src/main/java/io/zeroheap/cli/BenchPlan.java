package io.zeroheap.cli;

import java.util.List;

/**
 * What one {@code zeroheap bench} run measures, and for how long. The run is a series of
 * <em>tables</em>, one per thread count and use mode; a table has one column per regime and,
 * per size, one row per allocator: each (allocator, {@link Cell}) is measured once, under the
 * {@link CellBudget}.
 *
 * @param byteSizes      buffer sizes in bytes, in the order measured
 * @param allocators     the allocators, in the order listed
 * @param uses           the use modes, one table each (per thread count)
 * @param regimes        the regimes, one column each: sustained and/or one burst regime per gap
 * @param threadCounts   benchmark thread counts, one set of tables each
 * @param budget         warm-up and measurement of each cell
 * @param jitWarmupNanos per allocator, before any cell: 4 KiB operations through every loop it
 *                       runs, for every use mode, so that the first cell does not measure the
 *                       interpreter and no loop is compiled for one allocator alone
 */
public record BenchPlan(
        List<Long> byteSizes,
        List<AllocatorKind> allocators,
        List<BufferUse> uses,
        List<Regime> regimes,
        List<Integer> threadCounts,
        CellBudget budget,
        long jitWarmupNanos) {

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException if a list is empty
     */
    public BenchPlan {
        byteSizes = List.copyOf(byteSizes);
        allocators = List.copyOf(allocators);
        uses = List.copyOf(uses);
        regimes = List.copyOf(regimes);
        threadCounts = List.copyOf(threadCounts);
        if (byteSizes.isEmpty() || allocators.isEmpty() || uses.isEmpty() || regimes.isEmpty() || threadCounts.isEmpty()) {
            throw new IllegalArgumentException("plan: " + byteSizes.size() + " sizes, " + allocators.size() + " allocators, "
                    + uses.size() + " uses, " + regimes.size() + " regimes, " + threadCounts.size()
                    + " thread counts (expected: at least one of each)");
        }
    }

    /** The allocators that can run in {@code regime}, in order. */
    public List<AllocatorKind> allocators(Regime regime) {
        return allocators.stream().filter(kind -> kind.supports(regime)).toList();
    }

    /** The number of cells measured (an allocator that cannot run in a regime has no cell there). */
    public int cellCount() {
        int perSize = 0;
        for (Regime regime : regimes) {
            perSize += allocators(regime).size();
        }
        return perSize * byteSizes.size() * uses.size() * threadCounts.size();
    }

    /** Operations per burst (0 without a burst regime). */
    public int burstLength() {
        return regimes.stream().filter(Regime::isBurst).mapToInt(Regime::burstLength).findFirst().orElse(0);
    }
}
