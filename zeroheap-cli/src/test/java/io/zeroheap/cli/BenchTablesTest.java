package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The terminal table of one thread count and use mode: a column per regime, two lines per allocator, the verdict under it. */
class BenchTablesTest {

    private static final List<Regime> REGIMES = List.of(Regime.SUSTAINED, Regime.burst(8, 0), Regime.burst(8, 20_000_000));
    private static final List<AllocatorKind> KINDS = List.of(AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA,
            AllocatorKind.FLOOR_ELSEWHERE);
    private static final BenchPlan PLAN = Results.plan(List.of(4096L, 1L << 20), KINDS, List.of(BufferUse.FILL, BufferUse.PAGE),
            REGIMES, List.of(1, 2));
    /** JDK 800 ns, newArena 400 ns, the floor 200 ns, everywhere. */
    private static final BenchResults RESULTS = Results.of(PLAN, (kind, cell) -> switch (kind) {
        case CONFINED_ARENA -> 800;
        case ZEROHEAP_ARENA -> 400;
        default -> 200;
    });

    @Test
    void shouldPrintAColumnPerRegimeAndThePercentileWithBothRatios() {
        String table = BenchTables.table(PLAN, RESULTS, 2, BufferUse.PAGE);
        List<String> lines = table.lines().toList();

        assertThat(lines.getFirst()).isEqualTo("== page, 2 threads (one long written per 4 KiB page)");
        assertThat(lines.get(2)).startsWith("size / allocator").contains("sustained", "burst 8, gap 0 ms", "burst 8, gap 20 ms");
        assertThat(lines).filteredOn(l -> l.startsWith("  zeroheap newArena() ")).hasSize(2).allSatisfy(l -> assertThat(l)
                .containsSubsequence("400 ns 0.50x jdk 1.00x zh", "400 ns 0.50x jdk 1.00x zh", "400 ns 0.50x jdk 1.00x zh"));
        assertThat(lines).filteredOn(l -> l.startsWith("  Arena.ofConfined() ")).allSatisfy(l -> assertThat(l)
                .contains("800 ns 1.00x jdk 2.00x zh"));
        assertThat(lines).filteredOn(l -> l.startsWith("  floor: zeroed elsewhere ")).allSatisfy(l -> assertThat(l)
                .contains("(bursts only)").contains("200 ns 0.25x jdk 0.50x zh"));
    }

    @Test
    void shouldPutTheAggregateThroughputAndMemoryHeldUnderEachPercentile() {
        List<String> lines = BenchTables.table(PLAN, RESULTS, 2, BufferUse.PAGE).lines().toList();
        int arena = lines.indexOf(lines.stream().filter(l -> l.startsWith("  zeroheap newArena() ")).findFirst().orElseThrow());

        assertThat(lines.get(arena + 1)).startsWith(" ").contains("5 M ops/s, 16 KiB");
        assertThat(lines.get(arena + 3)).as("the JDK arena cannot tell what it holds").contains("2.5 M ops/s").doesNotContain(", ");
    }

    @Test
    void shouldEndEachTableWithAVerdictPerSize() {
        List<String> lines = BenchTables.table(PLAN, RESULTS, 1, BufferUse.FILL).lines().toList();
        int verdict = lines.indexOf("verdict, fill, 1 thread:");

        assertThat(verdict).isPositive();
        assertThat(lines.subList(verdict + 1, lines.size())).containsExactly(
                "  4 KiB: newArena() 0.50x Arena.ofConfined() (wins 3/3)",
                "  1 MiB: newArena() 0.50x Arena.ofConfined() (wins 3/3)");
    }

    @Test
    void shouldDescribeThePlanInOneLine() {
        assertThat(BenchTables.planText(PLAN)).startsWith("64 cells (2 sizes x 3 allocators x fill, page x sustained and bursts of 8 "
                + "with gaps of 0, 20 ms x 1 thread, 2 threads)");
    }

    @Test
    void shouldWrapTheLegendForTheTerminal() {
        String legend = BenchTables.wrappedLegend(30, "memory from mmap, zeroed with memset (critical downcall)", 80);

        assertThat(legend.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(legend.replace("\n  ", " ").replace("\n", " "))
                .isEqualTo(BenchTables.legend(30, "memory from mmap, zeroed with memset (critical downcall)").replace("\n", " "));
    }
}
