package io.zeroheap;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class HeapStatsFormatTest {

    private static final long MIB = 1 << 20;

    private static HeapStats sample(long leakedBuffers) {
        return new HeapStats("camera", "mmap", true, 4096, 1L << 30,
                12 * MIB, 4 * MIB, 0, 16 * MIB, 0,
                1234, 5, 1190, 10, 3, 0,
                0, 0, 0, 0, 0, OptionalInt.of(19),
                List.of(new HeapStats.SizeClassStats(4096, 10, 2, 1000, 4),
                        new HeapStats.SizeClassStats(5120, 0, 0, 0, 0),
                        new HeapStats.SizeClassStats(0, 0, 1, 0, 1)),
                LeakDetection.SAMPLED, leakedBuffers, 0, leakedBuffers * 4096, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void toStringShouldBeOneCompactLineWithEveryMainFigure() {
        assertThat(sample(0).toString()).isEqualTo("HeapStats[camera mmap deferred: allocated 12.0 MiB, pooled 4.0 MiB,"
                + " pending 0 B, reserved 16.0 MiB / max 1.0 GiB; hits 1234, misses 5; frees normal 1200 (zeroed 1190),"
                + " pressure 3, failed 0; leaks 0]");
    }

    @Test
    void toStringShouldShowLeakedBytesOnlyWhenThereAreLeaks() {
        assertThat(sample(2).toString()).endsWith("; leaks 2 (8.0 KiB)]").doesNotContain("\n");
    }

    @Test
    void sizeClassTableShouldHaveAHeaderAndOneRowPerClassInUseAndCountTheIdleOnes() {
        String[] lines = sample(0).sizeClassTable().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0].trim().split(" +")).containsExactly("class", "pooled", "pooled", "B", "in", "use",
                "in", "use", "B", "hits", "misses", "hit", "%");
        assertThat(lines[1].trim().split(" +")).containsExactly("4.0", "KiB", "10", "40.0", "KiB", "2", "8.0", "KiB",
                "1000", "4", "99.6");
        assertThat(lines[2].trim().split(" +")).containsExactly("huge", "0", "-", "1", "-", "0", "1", "0.0");
        assertThat(lines[3]).isEqualTo("(1 idle class not shown)");
    }

    @Test
    void leakReaperFailuresShouldShowOnlyWhenThereAreAny() {
        HeapStats s = sample(0);
        HeapStats failing = new HeapStats(s.heapName(), s.memorySource(), s.deferredFree(), s.pageSize(), s.maxBytes(),
                s.allocatedBytes(), s.pooledBytes(), s.pendingBytes(), s.reservedBytes(), s.purgedBytes(),
                s.poolHits(), s.poolMisses(), s.zeroedFrees(), s.releasedFrees(), s.pressureFrees(), s.failedFrees(),
                s.selfZeroedAllocations(), s.scopeCloseRetries(), s.shrinkCalls(), s.shrunkPages(), s.allocationFailures(),
                s.workerNice(), s.sizeClasses(), s.leakDetection(), 0, 0, 0, 0, 0, 0, 0, 0, 2);
        assertThat(failing.toString()).endsWith("; leaks 0, leak reaper failures 2]");
        assertThat(s.toString()).doesNotContain("reaper");
    }

    @Test
    void anUnlimitedBudgetShouldSaySo() {
        HeapStats s = sample(0);
        HeapStats unlimited = new HeapStats(s.heapName(), s.memorySource(), s.deferredFree(), s.pageSize(), Long.MAX_VALUE,
                s.allocatedBytes(), s.pooledBytes(), s.pendingBytes(), s.reservedBytes(), s.purgedBytes(),
                s.poolHits(), s.poolMisses(), s.zeroedFrees(), s.releasedFrees(), s.pressureFrees(), s.failedFrees(),
                s.selfZeroedAllocations(), s.scopeCloseRetries(), s.shrinkCalls(), s.shrunkPages(), s.allocationFailures(),
                s.workerNice(), s.sizeClasses(), s.leakDetection(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(unlimited.toString()).contains("/ max unlimited;").doesNotContain("9223372036854775807");
    }

    @Test
    void aLiveHeapShouldSummariseWhatItHolds() {
        try (SystemHeap heap = SystemHeap.builder().name("stats-format").register(false).maxBytes(64 * MIB).build()) {
            HeapBuffer buffer = heap.allocate(MIB);
            HeapStats stats = heap.stats();
            assertThat(stats.toString())
                    .startsWith("HeapStats[stats-format ")
                    .contains("allocated 1.0 MiB", "max 64.0 MiB", "misses 1", "leaks 0");
            assertThat(stats.sizeClassTable()).contains("1.0 MiB").hasLineCount(3) // header, 1 MiB, idle count
                    .endsWith(" idle classes not shown)\n");
            buffer.close();
        }
    }
}
