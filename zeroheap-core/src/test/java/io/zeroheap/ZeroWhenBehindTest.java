package io.zeroheap;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A closed heap arena's chunk is zeroed on the closing thread when the worker is behind on its
 * class (pool empty, other chunks of the class pending), and deferred otherwise.
 */
class ZeroWhenBehindTest {

    private static final long CHUNK = 2L << 20; // a class whose slabs hold one chunk

    @Test
    void aChunkFreedWhileTheWorkerIsBehindShouldBeZeroedByTheFreerAndReadZeroNextTime() throws Exception {
        try (SystemHeap heap = heap(true)) {
            assertBehaviour(heap, true);
        }
    }

    @Test
    void withTheSwitchOffEveryChunkShouldWaitForTheWorker() throws Exception {
        try (SystemHeap heap = heap(false)) {
            assertBehaviour(heap, false);
        }
    }

    private static void assertBehaviour(SystemHeap heap, boolean zeroWhenBehind) throws Exception {
        Arena first = heap.newArena();
        Arena second = heap.newArena();
        first.allocate(CHUNK).fill((byte) 0x11);
        MemorySegment scribbled = second.allocate(CHUNK);
        scribbled.fill((byte) 0x22);
        long address = scribbled.address();
        assertThat(heap.stats().pooledBytes()).isZero();

        try (WorkerGate gate = WorkerGate.holdWorker(heap.freeList())) {
            first.close();  // pool empty, nothing else pending: deferred
            second.close(); // pool empty, the first pending: the worker is behind

            HeapStats stats = heap.stats();
            Zero.assertBalanced(stats);
            if (zeroWhenBehind) {
                assertThat(stats.zeroedOnFree()).isOne();
                assertThat(stats.pooledBytes()).isEqualTo(CHUNK);
                assertThat(stats.pendingBytes()).isEqualTo(CHUNK);
                try (Arena again = heap.newArena()) {
                    MemorySegment reused = again.allocate(CHUNK);
                    assertThat(reused.address()).isEqualTo(address); // the chunk zeroed on close
                    assertThat(Zero.firstNonZero(reused)).isEqualTo(-1);
                }
            } else {
                assertThat(stats.zeroedOnFree()).isZero();
                assertThat(stats.pooledBytes()).isZero();
                assertThat(stats.pendingBytes()).isEqualTo(2 * CHUNK);
            }
        }
        heap.drain();
        Zero.assertBalanced(heap.stats());
        assertThat(heap.stats().pendingBytes()).isZero();
    }

    private static SystemHeap heap(boolean zeroWhenBehind) {
        return SystemHeap.builder().name("behind-" + zeroWhenBehind).register(false).refillPools(false)
                .idleDecay(Duration.ZERO).zeroWhenBehind(zeroWhenBehind).build();
    }
}
