package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which {@link BenchRunner} runs the allocators, and what it runs. */
class BenchRunnerTest {

    private static final List<AllocatorKind> KINDS = List.of(
            AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA, AllocatorKind.NETTY_STALE);

    @Test
    void shouldRotateTheAllocatorOrderByOnePerRegimeAndTouchCombination() {
        assertThat(BenchRunner.order(KINDS, 0)).containsExactlyElementsOf(KINDS);
        assertThat(BenchRunner.order(KINDS, 1))
                .containsExactly(AllocatorKind.CONFINED_ARENA, AllocatorKind.NETTY_STALE, AllocatorKind.ZEROHEAP_ARENA);
        assertThat(BenchRunner.order(KINDS, 2))
                .containsExactly(AllocatorKind.NETTY_STALE, AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.CONFINED_ARENA);
        assertThat(BenchRunner.order(KINDS, 3)).containsExactlyElementsOf(KINDS);
    }

    @Test
    void shouldNotStartEveryCombinationWithTheSameAllocator() {
        BenchPlan plan = new BenchPlan(List.of(4096L), KINDS, List.of(Regime.values()), List.of(TouchMode.values()),
                AllocatorKind.ZEROHEAP_ARENA, 2, 100_000, 1_000_000, 100_000, 1_000_000, 1_000_000);
        List<String> firstOfEach = new ArrayList<>();
        List<BenchResult> results = new BenchRunner(plan, (index, total, label) -> {
            if (!label.startsWith("JIT") && index % KINDS.size() == 0) {
                firstOfEach.add(label.substring(label.indexOf(": ") + 2));
            }
        }).run();

        assertThat(results).hasSize(plan.cellCount());
        assertThat(firstOfEach).containsExactly("zeroheap newArena(), 4 KiB", "Arena.ofConfined(), 4 KiB",
                "Netty pooled (stale data), 4 KiB", "zeroheap newArena(), 4 KiB");
    }
}
