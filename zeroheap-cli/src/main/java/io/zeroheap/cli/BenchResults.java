package io.zeroheap.cli;

import java.util.List;
import java.util.Optional;

/**
 * The results of a run (or of its part so far), with the lookups the tables, verdicts and
 * report need: one cell's result by allocator, and a result's median relative to either
 * reference, {@code Arena.ofConfined()} ("jdk") and zeroheap's {@code newArena()} ("zh"), in
 * the same cell. Immutable.
 */
public final class BenchResults {

    /** The JDK reference every result is compared with. */
    public static final AllocatorKind JDK = AllocatorKind.CONFINED_ARENA;

    /** The zeroheap reference every result is compared with. */
    public static final AllocatorKind ZEROHEAP = AllocatorKind.ZEROHEAP_ARENA;

    private final List<BenchResult> results;

    /** Holds a copy of {@code results}. */
    public BenchResults(List<BenchResult> results) {
        this.results = List.copyOf(results);
    }

    /** Every result, in the order run. */
    public List<BenchResult> all() {
        return results;
    }

    /** The result of {@code allocator} in {@code cell}, if it was measured. */
    public Optional<BenchResult> find(AllocatorKind allocator, Cell cell) {
        return results.stream().filter(r -> r.allocator() == allocator && r.cell().equals(cell)).findFirst();
    }

    /** {@code result}'s median ÷ {@code reference}'s in the same cell; NaN if the reference was not measured there. */
    public double ratio(BenchResult result, AllocatorKind reference) {
        return find(reference, result.cell()).map(ref -> (double) result.p50Nanos() / ref.p50Nanos()).orElse(Double.NaN);
    }

    /** {@code result}'s median ÷ {@code Arena.ofConfined()}'s in the same cell, or NaN. */
    public double ratioToJdk(BenchResult result) {
        return ratio(result, JDK);
    }

    /** {@code result}'s median ÷ zeroheap {@code newArena()}'s in the same cell, or NaN. */
    public double ratioToZeroheap(BenchResult result) {
        return ratio(result, ZEROHEAP);
    }
}
