package io.zeroheap.bench;

import io.zeroheap.HeapBuffer;
import io.zeroheap.SystemHeap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * What fresh memory costs the allocating thread: map, touch every 4 KiB page, unmap, with and
 * without pre-faulting ({@code MAP_POPULATE}) and transparent huge pages ({@code MADV_HUGEPAGE}
 * on 2 MiB-aligned mappings). This decides the heap's {@code populate} and
 * {@code transparentHugePages} defaults. The heap has no pool ({@code poolCapBytes(0)}) and
 * frees synchronously, so every operation maps and unmaps; sizes start at 1 MiB because smaller
 * classes are carved from shared slabs. Peer in the same run: {@code Arena.ofConfined()}
 * (malloc + zeroing on the caller).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar zeroheap-bench/target/benchmarks.jar FreshMemoryBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class FreshMemoryBenchmark {

    private static final long PAGE = 4096;

    /** Buffer size in bytes: 1 MiB, 8 MiB, 32 MiB (largest pooled class), 64 MiB (huge). */
    @Param({"1048576", "8388608", "33554432", "67108864"})
    public long size;

    /** Pre-fault at map time. */
    @Param({"false", "true"})
    public boolean populate;

    /** Ask for transparent huge pages. */
    @Param({"false", "true"})
    public boolean hugePages;

    private SystemHeap heap;

    @Setup(Level.Trial)
    public void createHeap() {
        heap = SystemHeap.builder().name("fresh").register(false).deferredFree(false)
                .poolCapBytes(0).populate(populate).transparentHugePages(hugePages).build();
    }

    @TearDown(Level.Trial)
    public void closeHeap() {
        heap.close();
    }

    /** zeroheap: map (maybe pre-faulted, maybe huge pages), touch each page, unmap. */
    @Benchmark
    public long heapFreshMapTouchUnmap() {
        try (HeapBuffer buffer = heap.allocate(size)) {
            return touch(buffer.segment());
        }
    }

    /** The JDK: malloc + zero on the caller, touch each page, free. */
    @Benchmark
    public long arenaConfinedAllocateTouchClose() {
        try (Arena arena = Arena.ofConfined()) {
            return touch(arena.allocate(size, PAGE));
        }
    }

    static long touch(MemorySegment segment) {
        long sum = 0;
        for (long offset = 0; offset < segment.byteSize(); offset += PAGE) {
            segment.set(ValueLayout.JAVA_LONG, offset, offset);
            sum += offset;
        }
        return sum;
    }
}
