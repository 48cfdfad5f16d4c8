package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One cell on one or more threads: who runs, how often, for how long, and how the threads' numbers merge. */
@Timeout(30)
class CellRunTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Short: no warm-up to speak of, 1 ms measured, at least {@code minOps} operations and {@code minBursts} bursts. */
    private static CellBudget budget(int minBursts, int minOps) {
        return new CellBudget(0, MS, 5_000 * MS, 5_000 * MS, minBursts, minOps);
    }

    @Test
    void shouldRunEveryThreadAtOnceOnTheOneInstanceAndMergeTheirHistograms() throws Exception {
        int threads = 3;
        try (RecordingAllocator allocator = new RecordingAllocator(200_000, -1)) {
            BenchResult result = CellRun.run(AllocatorKind.FLOOR_STALE, allocator,
                    new Cell(BufferUse.PAGE, Regime.SUSTAINED, threads, 4096), budget(1, 50));

            assertThat(allocator.allocatingThreads).hasSize(threads).allSatisfy(name -> assertThat(name).startsWith("bench-"));
            assertThat(allocator.maxConcurrent.get()).as("threads measured at the same time").isEqualTo(threads);
            assertThat(allocator.prepares.get()).as("prepared once per thread").isEqualTo(threads);
            assertThat(result.operations()).as("every thread's operations, merged").isGreaterThanOrEqualTo(threads * 50L);
            assertThat(result.p50Nanos()).as("each operation sleeps 0.2 ms").isGreaterThanOrEqualTo(200_000);
            assertThat(result.opsPerSecond()).as("aggregate: the threads' rates summed, each at most 5000/s")
                    .isGreaterThan(5_000).isLessThanOrEqualTo(threads * 5_000.0);
        }
    }

    @Test
    void shouldMeasureWholeBurstsWithTheGapAfterEachAndAfterBurstBeforeIt() throws Exception {
        try (RecordingAllocator allocator = new RecordingAllocator(0, -1)) {
            long start = System.nanoTime();
            BenchResult result = CellRun.run(AllocatorKind.FLOOR_STALE, allocator,
                    new Cell(BufferUse.NONE, Regime.burst(4, 10 * MS), 1, 64), budget(5, 1));
            long elapsed = System.nanoTime() - start;

            assertThat(result.operations()).as("5 whole bursts of 4").isEqualTo(20);
            assertThat(elapsed).as("the warm-up's gap and 4 gaps between the 5 measured bursts").isGreaterThanOrEqualTo(50 * MS);
            assertThat(allocator.allocations.get()).as("one warm-up operation (no warm-up time) and 20 measured").isEqualTo(21);
            assertThat(allocator.afterBursts.get()).as("after the warm-up's burst and each measured one").isEqualTo(1 + 5);
            assertThat(result.opsPerSecond()).as("busy time only: far more than 20 operations per 50 ms").isGreaterThan(10_000);
        }
    }

    @Test
    void shouldStopACellOfSlowOperationsAtTheBusyLimitMidBurst() throws Exception {
        try (RecordingAllocator allocator = new RecordingAllocator(5 * MS, -1)) {
            CellBudget budget = new CellBudget(0, MS, 5_000 * MS, 10 * MS, 20, 64);
            BenchResult result = CellRun.run(AllocatorKind.FLOOR_STALE, allocator,
                    new Cell(BufferUse.NONE, Regime.burst(8, 0), 1, 64), budget);

            assertThat(result.operations()).as("the fewest a limit allows, not 20 bursts").isEqualTo(CellBudget.MIN_SLOW_OPS);
        }
    }

    @Test
    void shouldAllocateOnOneThreadAndFreeOnItsOwnSecondThreadForHandOverKinds() throws Exception {
        try (RecordingAllocator allocator = new RecordingAllocator(0, -1)) {
            BenchResult result = CellRun.run(AllocatorKind.ZEROHEAP_BUFFER_HANDOVER, allocator,
                    new Cell(BufferUse.FILL, Regime.burst(8, MS), 2, 4096), budget(3, 1));

            assertThat(allocator.allocatingThreads).containsExactlyInAnyOrder("bench-1-of-2", "bench-2-of-2");
            assertThat(allocator.freeingThreads).containsExactlyInAnyOrder("bench-1-of-2-free", "bench-2-of-2-free");
            assertThat(allocator.frees.get()).as("every buffer handed over was freed").isEqualTo(allocator.allocations.get());
            assertThat(result.operations()).isGreaterThanOrEqualTo(2 * 3 * 8);
            assertThat(result.opsPerSecond()).isPositive();
        }
    }

    @Test
    void shouldFreeEveryHandedOverBufferInTheSustainedRegimeToo() throws Exception {
        try (RecordingAllocator allocator = new RecordingAllocator(0, -1)) {
            CellRun.run(AllocatorKind.NETTY_HANDOVER, allocator, new Cell(BufferUse.PAGE, Regime.SUSTAINED, 1, 4096), budget(1, 500));

            assertThat(allocator.frees.get()).isEqualTo(allocator.allocations.get()).isGreaterThanOrEqualTo(500);
        }
    }

    @Test
    void shouldFailTheCellWithTheCauseAndReleaseTheOtherThreadsWhenOneFails() {
        try (RecordingAllocator allocator = new RecordingAllocator(0, 3)) {
            assertThatThrownBy(() -> CellRun.run(AllocatorKind.FLOOR_STALE, allocator,
                    new Cell(BufferUse.NONE, Regime.SUSTAINED, 4, 64), budget(1, 1_000_000)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("floor-stale failed in cell none, 4 threads, sustained, 64 B")
                    .hasRootCauseMessage("injected failure at allocation 4");
        }
    }

    @Test
    void shouldFailAHandOverCellWhenItsFreeingThreadFails() {
        try (RecordingAllocator allocator = new RecordingAllocator(0, -1) {
            @Override
            public void free(java.lang.foreign.MemorySegment buffer) {
                throw new IllegalStateException("free failed");
            }
        }) {
            assertThatThrownBy(() -> CellRun.run(AllocatorKind.NETTY_HANDOVER, allocator,
                    new Cell(BufferUse.NONE, Regime.burst(4, 0), 1, 64), budget(2, 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("free failed");
        }
    }
}
