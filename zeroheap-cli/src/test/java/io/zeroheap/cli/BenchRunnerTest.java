package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which {@link BenchRunner} runs tables, regimes and allocators, and what it reports on the way. */
@Timeout(60)
class BenchRunnerTest {

    private static final List<AllocatorKind> KINDS = List.of(
            AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA, AllocatorKind.FLOOR_STALE);
    private static final CellBudget TINY = new CellBudget(0, 100_000, 1_000_000, 1_000_000, 2, 4);

    @Test
    void shouldRotateTheAllocatorOrderByOnePerRegime() {
        assertThat(BenchRunner.order(KINDS, 0)).containsExactlyElementsOf(KINDS);
        assertThat(BenchRunner.order(KINDS, 1))
                .containsExactly(AllocatorKind.CONFINED_ARENA, AllocatorKind.FLOOR_STALE, AllocatorKind.ZEROHEAP_ARENA);
        assertThat(BenchRunner.order(KINDS, 2))
                .containsExactly(AllocatorKind.FLOOR_STALE, AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA);
        assertThat(BenchRunner.order(KINDS, 3)).containsExactlyElementsOf(KINDS);
    }

    @Test
    void shouldRunEveryCellAndNotStartEveryRegimeWithTheSameAllocator() throws Exception {
        BenchPlan plan = new BenchPlan(List.of(4096L), KINDS, List.of(BufferUse.PAGE),
                List.of(Regime.SUSTAINED, Regime.burst(2, 0), Regime.burst(2, 100_000)), List.of(1), TINY, 0);
        List<String> firstOfEach = new ArrayList<>();
        BenchResults results = new BenchRunner(plan, (index, total, label) -> {
            if (index % KINDS.size() == 0) {
                firstOfEach.add(label.substring(label.indexOf(": ") + 2));
            }
        }).run();

        assertThat(results.all()).hasSize(plan.cellCount()).hasSize(9);
        assertThat(firstOfEach).containsExactly("zeroheap newArena()", "Arena.ofConfined()", "floor: stale hot stack");
    }

    @Test
    void shouldGiveFloorElsewhereNoSustainedCell() throws Exception {
        BenchPlan plan = new BenchPlan(List.of(4096L, 65536L), List.of(AllocatorKind.FLOOR_ELSEWHERE, AllocatorKind.CONFINED_ARENA),
                List.of(BufferUse.FILL), List.of(Regime.SUSTAINED, Regime.burst(4, 0)), List.of(1), TINY, 0);

        BenchResults results = new BenchRunner(plan, (index, total, label) -> { }).run();

        assertThat(plan.cellCount()).isEqualTo(2 * (1 + 2));
        assertThat(results.all()).hasSize(6)
                .noneMatch(r -> r.allocator() == AllocatorKind.FLOOR_ELSEWHERE && !r.regime().isBurst());
    }

    /** Tables come one after the other: each is reported done after its last cell and before the next one's first. */
    @Test
    void shouldReportEachTableDoneBeforeTheNextTableStarts() throws Exception {
        BenchPlan plan = new BenchPlan(List.of(4096L), List.of(AllocatorKind.CONFINED_ARENA, AllocatorKind.ZEROHEAP_ARENA),
                List.of(BufferUse.FILL, BufferUse.PAGE), List.of(Regime.burst(2, 0)), List.of(1, 2), TINY, 0);
        List<String> events = new ArrayList<>();
        new BenchRunner(plan, new BenchRunner.Listener() {
            @Override
            public void cellStarting(int index, int total, String label) {
                events.add("start " + label.substring(0, label.indexOf(',', label.indexOf(',') + 1)));
            }

            @Override
            public void tableDone(int threads, BufferUse use, BenchResults results) {
                events.add("table " + use.id() + ", " + Cell.threadsLabel(threads) + " with "
                        + results.all().stream().filter(r -> r.use() == use && r.threads() == threads).count() + " results");
            }
        }).run();

        assertThat(events).containsExactly(
                "start fill, 1 thread", "start fill, 1 thread", "table fill, 1 thread with 2 results",
                "start page, 1 thread", "start page, 1 thread", "table page, 1 thread with 2 results",
                "start fill, 2 threads", "start fill, 2 threads", "table fill, 2 threads with 2 results",
                "start page, 2 threads", "start page, 2 threads", "table page, 2 threads with 2 results");
    }

    @Test
    void shouldWarmUpEveryAllocatorBeforeTheFirstCell() throws Exception {
        BenchPlan plan = new BenchPlan(List.of(4096L), KINDS, List.of(BufferUse.NONE), List.of(Regime.SUSTAINED), List.of(1), TINY,
                3_000_000);
        List<String> labels = new ArrayList<>();
        new BenchRunner(plan, (index, total, label) -> labels.add(label)).run();

        assertThat(labels.subList(0, 3)).containsExactly("JIT warm-up: zeroheap newArena()", "JIT warm-up: Arena.ofConfined()",
                "JIT warm-up: floor: stale hot stack");
        assertThat(labels).hasSize(3 + 3);
    }
}
