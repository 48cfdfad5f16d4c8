package io.zeroheap;

import io.zeroheap.free.ChunkRecycler;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A closed heap arena's small chunk is zeroed on the closing thread when the worker is behind
 * on its class (pool empty, chunks of the class pending, room in the pool), and deferred
 * otherwise.
 */
class ZeroWhenBehindTest {

    /** The largest chunk these heaps zero on close; its slabs hold four chunks. */
    private static final long CHUNK = 256 << 10;
    /** Four arenas: a fresh slab's chunks, or four fresh maps of larger chunks. */
    private static final int SLAB_CHUNKS = 4;

    @Test
    void aChunkFreedWhileTheWorkerIsBehindShouldBeZeroedByTheFreerAndReadZeroNextTime() throws Exception {
        assertZeroedByTheFreerWhileTheWorkerIsBehind(heap(true, 32L << 20), CHUNK);
    }

    @Test
    void aChunkUpToARaisedBoundShouldBeZeroedByTheFreerToo() throws Exception {
        long chunk = 1 << 20;
        assertZeroedByTheFreerWhileTheWorkerIsBehind(heap(true, 32L << 20, chunk), chunk);
    }

    @Test
    void aChunkOverTheBoundShouldBeLeftToTheWorker() throws Exception {
        assertEveryChunkDeferred(heap(true, 32L << 20), 1 << 20);
    }

    @Test
    void aLargeChunkZeroedHereWhileTheWorkerLingersShouldAskForARefill() throws Exception {
        long chunk = 1 << 20; // over 256 KiB: a pool that never misses would never grow
        try (SystemHeap heap = SystemHeap.builder().name("behind-refill").register(false).refillPools(true)
                .poolCapBytes(32L << 20).idleDecay(Duration.ZERO).zeroWhenBehindMaxBytes(chunk)
                .workerLinger(Duration.ofSeconds(1)).build()) {
            Arena[] arenas = openArenasEmptyingThePool(heap, new long[SLAB_CHUNKS], chunk);
            DeferredFreeListTest.awaitTrue(() -> heap.freeList().workerIdle(), "the worker lingers");

            arenas[0].close(); // pending: the lingering worker sees it at its next tick
            arenas[1].close(); // pool empty, a chunk pending, the worker idle: zeroed here
            assumeTrue(heap.closeShortfalls() == 1, "the worker's tick fell between the two closes");
            assertThat(heap.stats().zeroedOnFree()).isOne();

            DeferredFreeListTest.awaitTrue(() -> heap.stats().reservedBytes() == (SLAB_CHUNKS + 1) * chunk,
                    "the idle worker maps one more chunk into the pool");
            arenas[2].close();
            arenas[3].close();
            heap.drain();
            HeapStats stats = heap.stats();
            Zero.assertBalanced(stats);
            assertThat(stats.pooledBytes()).isEqualTo((SLAB_CHUNKS + 1) * chunk);
        }
    }

    @Test
    void theDefaultBoundShouldBeHalfTheLevel2CacheWithinLimits() {
        assertThat(ChunkRecycler.zeroOnFreeMaxBytes(OptionalLong.of(2 << 20))).isEqualTo(1 << 20);
        assertThat(ChunkRecycler.zeroOnFreeMaxBytes(OptionalLong.of(512 << 10))).isEqualTo(256 << 10);
        assertThat(ChunkRecycler.zeroOnFreeMaxBytes(OptionalLong.of(64 << 10))).isEqualTo(64 << 10);
        assertThat(ChunkRecycler.zeroOnFreeMaxBytes(OptionalLong.of(64 << 20))).isEqualTo(4 << 20);
        assertThat(ChunkRecycler.zeroOnFreeMaxBytes(OptionalLong.empty()))
                .isEqualTo(ChunkRecycler.DEFAULT_ZERO_ON_FREE_MAX_BYTES);
    }

    private static void assertZeroedByTheFreerWhileTheWorkerIsBehind(SystemHeap heap, long chunk) throws Exception {
        try (heap) {
            long[] addresses = new long[SLAB_CHUNKS];
            Arena[] arenas = openArenasEmptyingThePool(heap, addresses, chunk);
            try (WorkerGate gate = WorkerGate.holdWorker(heap.freeList())) {
                arenas[0].close(); // pool empty, nothing pending: deferred to the (held) worker
                arenas[1].close(); // pool empty, the first pending: zeroed here
                arenas[2].close(); // the pool now holds the second chunk: deferred

                HeapStats stats = heap.stats();
                Zero.assertBalanced(stats);
                assertThat(stats.zeroedOnFree()).isOne();
                assertThat(stats.pooledBytes()).isEqualTo(chunk);
                assertThat(stats.pendingBytes()).isEqualTo(2 * chunk);
                assertThat(stats.toString()).contains("1 by their freer");
                try (Arena again = heap.newArena()) {
                    MemorySegment reused = again.allocate(chunk);
                    assertThat(reused.address()).isEqualTo(addresses[1]);
                    assertThat(Zero.firstNonZero(reused)).isEqualTo(-1);
                }
            }
            arenas[3].close();
            heap.drain();
            assertThat(heap.stats().pendingBytes()).isZero();
            Zero.assertBalanced(heap.stats());
        }
    }

    @Test
    void withTheSwitchOffEveryChunkShouldWaitForTheWorker() throws Exception {
        assertEveryChunkDeferred(heap(false, 32L << 20), CHUNK);
    }

    @Test
    void aPoolWithoutRoomShouldLeaveTheChunkToTheWorker() throws Exception {
        assertEveryChunkDeferred(heap(true, 0), CHUNK);
    }

    @Test
    void aSynchronousHeapShouldNeverCountZeroingOnFree() {
        try (SystemHeap heap = SystemHeap.builder().name("behind-sync").register(false).deferredFree(false)
                .idleDecay(Duration.ZERO).build()) {
            for (int i = 0; i < 8; i++) {
                try (Arena arena = heap.newArena()) {
                    arena.allocate(CHUNK).fill((byte) 1);
                }
            }
            assertThat(heap.stats().zeroedOnFree()).isZero();
            assertThat(heap.stats().zeroedFrees()).isEqualTo(8);
        }
    }

    private static void assertEveryChunkDeferred(SystemHeap heap, long chunk) throws Exception {
        try (heap) {
            Arena[] arenas = openArenasEmptyingThePool(heap, new long[SLAB_CHUNKS], chunk);
            try (WorkerGate gate = WorkerGate.holdWorker(heap.freeList())) {
                for (Arena arena : arenas) {
                    arena.close();
                }
                HeapStats stats = heap.stats();
                Zero.assertBalanced(stats);
                assertThat(stats.zeroedOnFree()).isZero();
                assertThat(stats.pooledBytes()).isZero();
                assertThat(stats.pendingBytes()).isEqualTo(SLAB_CHUNKS * chunk);
            }
            heap.drain();
            assertThat(heap.stats().pendingBytes()).isZero();
        }
    }

    /** One arena per chunk of a fresh slab, each chunk scribbled: the pool of the class is empty. */
    private static Arena[] openArenasEmptyingThePool(SystemHeap heap, long[] addresses, long chunk) {
        Arena[] arenas = new Arena[SLAB_CHUNKS];
        for (int i = 0; i < SLAB_CHUNKS; i++) {
            arenas[i] = heap.newArena();
            MemorySegment segment = arenas[i].allocate(chunk);
            segment.fill((byte) (0x20 + i));
            addresses[i] = segment.address();
        }
        assertThat(heap.stats().pooledBytes()).as("the slab's chunks are all in use").isZero();
        return arenas;
    }

    private static SystemHeap heap(boolean zeroWhenBehind, long poolCapBytes) {
        return heap(zeroWhenBehind, poolCapBytes, CHUNK);
    }

    private static SystemHeap heap(boolean zeroWhenBehind, long poolCapBytes, long zeroOnFreeMaxBytes) {
        return SystemHeap.builder().name("behind-" + zeroWhenBehind + "-" + poolCapBytes).register(false)
                .refillPools(false).poolCapBytes(poolCapBytes).idleDecay(Duration.ZERO)
                .zeroWhenBehind(zeroWhenBehind).zeroWhenBehindMaxBytes(zeroOnFreeMaxBytes).build();
    }
}
