package io.zeroheap.cli;

import java.util.ArrayList;
import java.util.List;

/** Made-up results for tests of the tables, verdicts and report: one per allocator and cell of a plan, with a chosen median. */
final class Results {

    private Results() {
    }

    /** A plan of these sizes, allocators, use modes, regimes and thread counts, with a budget that does not matter. */
    static BenchPlan plan(List<Long> sizes, List<AllocatorKind> kinds, List<BufferUse> uses, List<Regime> regimes, List<Integer> threads) {
        return new BenchPlan(sizes, kinds, uses, regimes, threads, new CellBudget(1, 1, 1, 1, 1, 1), 0);
    }

    /** One result per allocator and cell of {@code plan}, with the median {@code p50} gives it (held bytes: -1 for the JDK arenas). */
    static BenchResults of(BenchPlan plan, P50 p50) {
        List<BenchResult> results = new ArrayList<>();
        for (int threads : plan.threadCounts()) {
            for (BufferUse use : plan.uses()) {
                for (Regime regime : plan.regimes()) {
                    for (AllocatorKind kind : plan.allocators(regime)) {
                        for (long size : plan.byteSizes()) {
                            Cell cell = new Cell(use, regime, threads, size);
                            long median = p50.of(kind, cell);
                            boolean malloc = kind == AllocatorKind.CONFINED_ARENA || kind == AllocatorKind.SHARED_ARENA;
                            results.add(new BenchResult(kind, cell, 1000, median, 3 * median, 5 * median, 9 * median, 1.2 * median,
                                    1e9 / median * threads, malloc ? -1 : 4 * size));
                        }
                    }
                }
            }
        }
        return new BenchResults(results);
    }

    /** The median of an allocator in a cell, in nanoseconds. */
    interface P50 {
        long of(AllocatorKind kind, Cell cell);

        /** Grows with the size and the allocator's position in the enum. */
        static P50 plausible() {
            return (kind, cell) -> 100 + cell.byteSize() / 64 * (kind.ordinal() + 1);
        }
    }
}
