package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict per size: ranges, wins and losses of newArena() and HeapBuffer against Arena.ofConfined(), cell by cell. */
class VerdictTest {

    private static final long SIZE = 65536;
    private static final List<Regime> REGIMES = List.of(Regime.SUSTAINED, Regime.burst(8, 0), Regime.burst(8, 2_000_000),
            Regime.burst(8, 20_000_000));
    private static final List<AllocatorKind> KINDS = List.of(AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.ZEROHEAP_BUFFER,
            AllocatorKind.CONFINED_ARENA);

    /** JDK 1000 ns everywhere; newArena 500, 950, 1200, 120; HeapBuffer 900, 2100, 1500, 1000 (a tie). */
    private static long p50(AllocatorKind kind, Cell cell) {
        int column = REGIMES.indexOf(cell.regime());
        return switch (kind) {
            case ZEROHEAP_ARENA -> new long[] {500, 950, 1200, 120}[column];
            case ZEROHEAP_BUFFER -> new long[] {900, 2100, 1500, 1000}[column];
            default -> 1000;
        };
    }

    @Test
    void shouldGiveTheRangeTheWinsAndTheLostCellsOfEachZeroheapAllocator() {
        BenchPlan plan = Results.plan(List.of(SIZE), KINDS, List.of(BufferUse.FILL), REGIMES, List.of(1));
        BenchResults results = Results.of(plan, VerdictTest::p50);

        assertThat(Verdict.line(plan, results, 1, BufferUse.FILL, SIZE)).isEqualTo(
                "64 KiB: newArena() 0.12-1.20x Arena.ofConfined() (wins 3/4; loses gap 2 ms); "
                        + "HeapBuffer 0.90-2.10x (wins 1/4; loses gap 0 ms, gap 2 ms)");
    }

    @Test
    void shouldSayLosesAllWhenEveryCellIsLostAndGiveOneRatioWhenTheyAreEqual() {
        BenchPlan plan = Results.plan(List.of(SIZE), KINDS, List.of(BufferUse.PAGE), REGIMES.subList(0, 2), List.of(2));
        BenchResults results = Results.of(plan, (kind, cell) -> kind == AllocatorKind.CONFINED_ARENA ? 1000 : 3000);

        assertThat(Verdict.line(plan, results, 2, BufferUse.PAGE, SIZE)).isEqualTo(
                "64 KiB: newArena() 3.00x Arena.ofConfined() (loses 2/2); HeapBuffer 3.00x (loses 2/2)");
    }

    @Test
    void shouldJudgeOnlyTheZeroheapAllocatorsMeasured() {
        BenchPlan plan = Results.plan(List.of(SIZE), List.of(AllocatorKind.ZEROHEAP_BUFFER, AllocatorKind.CONFINED_ARENA),
                List.of(BufferUse.FILL), REGIMES, List.of(1));

        assertThat(Verdict.line(plan, Results.of(plan, VerdictTest::p50), 1, BufferUse.FILL, SIZE))
                .isEqualTo("64 KiB: HeapBuffer 0.90-2.10x (wins 1/4; loses gap 0 ms, gap 2 ms)");
    }

    @Test
    void shouldSayWhyThereIsNoVerdict() {
        BenchPlan noJdk = Results.plan(List.of(SIZE), List.of(AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.FLOOR_STALE),
                List.of(BufferUse.FILL), REGIMES, List.of(1));
        BenchPlan noZeroheap = Results.plan(List.of(SIZE), List.of(AllocatorKind.CONFINED_ARENA, AllocatorKind.FLOOR_STALE),
                List.of(BufferUse.FILL), REGIMES, List.of(1));

        assertThat(Verdict.line(noJdk, Results.of(noJdk, VerdictTest::p50), 1, BufferUse.FILL, SIZE))
                .isEqualTo("64 KiB: no verdict: Arena.ofConfined() (confined-arena) was not measured");
        assertThat(Verdict.line(noZeroheap, Results.of(noZeroheap, VerdictTest::p50), 1, BufferUse.FILL, SIZE))
                .isEqualTo("64 KiB: no verdict: neither newArena() (zeroheap-arena) nor HeapBuffer (zeroheap-buffer) was measured");
    }

    @Test
    void shouldGiveOneLinePerSizeForATable() {
        BenchPlan plan = Results.plan(List.of(4096L, SIZE, 1L << 20), KINDS, List.of(BufferUse.FILL), REGIMES, List.of(1));

        assertThat(Verdict.lines(plan, Results.of(plan, VerdictTest::p50), 1, BufferUse.FILL))
                .hasSize(3).extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactly("4 KiB", "64 KiB", "1 MiB");
    }
}
