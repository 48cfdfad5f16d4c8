package io.zeroheap.bench;

import io.zeroheap.DeferredFreeList;
import io.zeroheap.DeferredFreeStats;
import io.zeroheap.FreeReason;
import io.zeroheap.HeapStats;
import io.zeroheap.Shrinkers;
import io.zeroheap.SystemHeap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Shows the deferred free list at work, as the seed uses it: buffers are "freed" by handing
 * them to the list, the nice-19 worker zeroes them and puts them back in a pool, and a shrinker
 * call under pressure gives pending buffers back instead. Then the same through a
 * {@link SystemHeap}. Prints what happened and checks that every recycled buffer reads zero.
 */
public final class DeferredFreeDemo {

    private static final int PAGE = 4096;

    private DeferredFreeDemo() {
    }

    /** A buffer that knows how to be freed later: the seed's embedded deferred_freelist_item. */
    private static final class Buffer extends DeferredFreeList.Item {
        final MemorySegment memory;

        Buffer(MemorySegment memory, DeferredFreeList.FreeAction action) {
            super(memory.byteSize() / PAGE, action);
            this.memory = memory;
        }
    }

    /**
     * Runs the demo. Arguments: {@code [buffers] [bufferKiB]}, default 256 buffers of 1024 KiB.
     */
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        long byteSize = (args.length > 1 ? Long.parseLong(args[1]) : 1024) * 1024;
        ConcurrentLinkedDeque<Buffer> pool = new ConcurrentLinkedDeque<>();
        List<Buffer> givenBack = new ArrayList<>();
        DeferredFreeList.FreeAction zeroAndPool = (item, reason) -> {
            Buffer buffer = (Buffer) item;
            if (reason == FreeReason.NORMAL) {
                buffer.memory.fill((byte) 0);
                pool.push(buffer);
            } else {
                synchronized (givenBack) {
                    givenBack.add(buffer); // a real heap would madvise/munmap here
                }
            }
        };

        try (Arena arena = Arena.ofShared();
             DeferredFreeList list = DeferredFreeList.builder().workerName("demo-deferred-free").build();
             Shrinkers.Registration ignored = Shrinkers.system().register(list)) {
            ArrayDeque<Buffer> inUse = new ArrayDeque<>();
            for (int i = 0; i < count; i++) {
                Buffer buffer = new Buffer(arena.allocate(byteSize, PAGE), zeroAndPool);
                buffer.memory.fill((byte) 0x5A); // the application's data: must never leak
                inUse.add(buffer);
            }
            System.out.printf("zeroheap deferred free demo: %d buffers of %d KiB (%d pages each)%n",
                    count, byteSize / 1024, byteSize / PAGE);

            long start = System.nanoTime();
            for (Buffer buffer : inUse) {
                list.defer(buffer);
            }
            long deferNanos = System.nanoTime() - start;
            System.out.printf("  defer:  %d buffers handed over in %.1f µs on the caller (%.0f ns each); "
                    + "%d pages pending%n", count, deferNanos / 1e3, (double) deferNanos / count, list.pendingPages());

            start = System.nanoTime();
            list.drain();
            long drainNanos = System.nanoTime() - start;
            int nonZero = 0;
            MemorySegment zeros = arena.allocate(byteSize);
            for (Buffer buffer : pool) {
                if (buffer.memory.mismatch(zeros) != -1) {
                    nonZero++;
                }
            }
            System.out.printf("  worker: zeroed and pooled %d buffers; drain() returned after %.1f ms; "
                    + "buffers not reading zero: %d%n", pool.size(), drainNanos / 1e6, nonZero);

            inUse.clear();
            for (int i = 0; i < count / 2 && !pool.isEmpty(); i++) {
                Buffer buffer = pool.pop();
                buffer.memory.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                inUse.add(buffer);
            }
            // Park the worker's work behind a pressure scan: defer, then shrink at once.
            for (Buffer buffer : inUse) {
                list.defer(buffer);
            }
            long wanted = inUse.size() * (byteSize / PAGE);
            long reclaimed = Shrinkers.system().shrink(wanted);
            list.drain();
            DeferredFreeStats stats = list.stats();
            System.out.printf("  pressure: asked the shrinkers for %d pages, got %d back at once "
                    + "(%d buffers given back unzeroed, %d zeroed by the worker before the scan reached them)%n",
                    wanted, reclaimed, givenBack.size(), stats.frees(FreeReason.NORMAL) - count);
            System.out.printf("  stats: deferred %d items / %d pages; freed NORMAL %d / %d pages, "
                    + "UNDER_PRESSURE %d / %d pages, failed %d; pending %d; worker wake-ups %d%n",
                    stats.deferredItems(), stats.deferredPages(), stats.normalFrees(), stats.normalFreedPages(),
                    stats.pressureFrees(), stats.pressureFreedPages(), stats.failedFrees(), stats.pendingPages(),
                    stats.workerWakeups());
            System.out.printf("  worker thread '%s': native tid %d, Linux nice %s%n", list.workerName(),
                    stats.workerNativeThreadId(),
                    stats.workerNice().isPresent() ? stats.workerNice().getAsInt()
                            : "not available (fell back to Thread.MIN_PRIORITY)");
            if (nonZero != 0) {
                System.out.println("FAILED: recycled buffers with stale data");
                System.exit(1);
            }
        }
        heapDemo(count, byteSize);
    }

    /** The same idea as a heap: scribbled buffers come back zeroed, at pool speed. */
    private static void heapDemo(int count, long byteSize) {
        try (SystemHeap heap = SystemHeap.builder().name("demo").register(false).build();
             Arena scratch = Arena.ofConfined()) {
            MemorySegment zeros = scratch.allocate(byteSize);
            long staleBuffers = 0;
            long[] nanos = new long[2];
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    try (Arena arena = heap.newArena()) {
                        MemorySegment segment = arena.allocate(byteSize, PAGE);
                        if (segment.mismatch(zeros) != -1) {
                            staleBuffers++;
                        }
                        segment.fill((byte) 0x5A); // scribble: the next user must not see it
                    }
                }
                nanos[round] = System.nanoTime() - start;
                heap.drain(); // the worker had idle time: the pools are warm again
            }
            HeapStats stats = heap.stats();
            System.out.printf("%nzeroheap system heap: %d x newArena().allocate(%d KiB), scribble, close; twice%n",
                    count, byteSize / 1024);
            System.out.printf("  first round (fresh memory) %.1f µs per buffer, second (pools warm) "
                    + "%.1f µs, scribbling included; buffers not reading zero when handed out: %d%n",
                    nanos[0] / 1e3 / count, nanos[1] / 1e3 / count, staleBuffers);
            System.out.printf("  held %d KiB = in use %d + pooled %d + pending %d; pool hits %d, misses %d; "
                    + "frees zeroed %d, given back %d%n", stats.reservedBytes() / 1024, stats.allocatedBytes() / 1024,
                    stats.pooledBytes() / 1024, stats.pendingBytes() / 1024, stats.poolHits(), stats.poolMisses(),
                    stats.zeroedFrees(), stats.releasedFrees() + stats.pressureFrees());
            long pages = heap.shrink(Long.MAX_VALUE);
            System.out.printf("  shrink: %d pages given back to the OS; now holding %d KiB%n",
                    pages, heap.stats().reservedBytes() / 1024);
            if (staleBuffers != 0) {
                System.out.println("FAILED: stale data handed out");
                System.exit(1);
            }
        }
    }
}
