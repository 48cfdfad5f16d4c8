package io.zeroheap;

import io.zeroheap.os.Cpus;
import io.zeroheap.os.NativeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.zeroheap.DeferredFreeListTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The per-CPU pools seen through the heap: which chunk an allocation gets back, where it was
 * zeroed, and that no policy ever hands out a scribbled chunk.
 */
class CpuPoolsHeapTest {

    private static final long KIB = 1024;
    private Thread pinned;

    @BeforeEach
    void pinToOneCpu() {
        // One CPU for the whole test, so "this CPU's pool" is one pool and its zeroer is known.
        pinned = Thread.currentThread();
        assumeTrue(NativeThreads.pinCurrentThread(0), "this machine cannot bind a thread to CPU 0");
        try { // sched_getcpu is linked on a daemon thread at the JVM's start: wait for it
            DeferredFreeListTest.awaitTrue(() -> Cpus.current() == 0, "this thread's CPU is known");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void unpin() {
        if (pinned == Thread.currentThread()) {
            for (int cpu = 0; cpu < Cpus.configured(); cpu++) { // let the thread run anywhere again
                NativeThreads.pinCurrentThread(cpu);
            }
        }
    }

    private static SystemHeap heap(boolean idleZeroing) {
        return SystemHeap.builder().name("cpu-pools-" + idleZeroing).register(false).jmx(false)
                .idleZeroing(idleZeroing).leakDetection(LeakDetection.OFF).build();
    }

    @Test
    void aClosedArenasChunkShouldComeBackOnTheSameCpuZeroedByTheAllocatingThread() {
        try (SystemHeap heap = heap(false)) {
            long address;
            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(64 * KIB);
                address = segment.address();
                segment.fill((byte) 0x5A);
            }
            HeapStats before = heap.stats();
            assertThat(before.cpuPoolFrees()).as("kept by this CPU's pool").isEqualTo(1);
            assertThat(before.pendingBytes()).as("dirty until someone zeroes it").isEqualTo(64 * KIB);

            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(64 * KIB);
                assertThat(segment.address()).as("the warm chunk just freed here").isEqualTo(address);
                assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
            }
            HeapStats after = heap.stats();
            assertThat(after.cpuPoolDirtyTakes()).as("zeroed by the allocating thread").isEqualTo(1);
            assertThat(after.cpuPoolCleanTakes()).isZero();
            Zero.assertBalanced(after);
        }
    }

    @Test
    void anIdleCpusZeroerShouldZeroTheChunkBeforeTheNextAllocationTakesIt() throws InterruptedException {
        try (SystemHeap heap = heap(true)) {
            long address;
            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(64 * KIB);
                address = segment.address();
                segment.fill((byte) 0x5A);
            }
            // This thread waits, so its CPU idles and the CPU's idle zeroer runs.
            awaitTrue(() -> heap.stats().zeroedIdle() >= 1, "the idle zeroer zeroed the freed chunk");
            assertThat(heap.stats().pendingBytes()).isZero();

            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(64 * KIB);
                assertThat(segment.address()).isEqualTo(address);
                assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
            }
            HeapStats after = heap.stats();
            assertThat(after.cpuPoolCleanTakes()).as("handed out already zeroed").isEqualTo(1);
            assertThat(after.cpuPoolDirtyTakes()).isZero();
        }
    }

    @Test
    void aBurstReusingOneChunkShouldFindOneCleanChunkPerAllocationAfterAnIdleSpell() throws InterruptedException {
        try (SystemHeap heap = heap(true)) {
            burst(heap, 8);
            long takes = heap.stats().cpuPoolDirtyTakes();
            assertThat(takes).as("one chunk reused: each allocation zeroed it").isGreaterThanOrEqualTo(6);
            awaitTrue(() -> heap.stats().zeroedIdle() >= 8, "the zeroer refilled the pool by the burst's demand");
            HeapStats refilled = heap.stats();

            burst(heap, 8);

            HeapStats after = heap.stats();
            assertThat(after.cpuPoolCleanTakes() - refilled.cpuPoolCleanTakes())
                    .as("every allocation of the second burst got a chunk zeroed while the CPU idled").isEqualTo(8);
            assertThat(after.cpuPoolDirtyTakes()).isEqualTo(refilled.cpuPoolDirtyTakes());
        }
    }

    private static void burst(SystemHeap heap, int allocations) {
        for (int i = 0; i < allocations; i++) {
            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(64 * KIB);
                assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
                segment.fill((byte) 0x33);
            }
        }
    }

    @ParameterizedTest(name = "idle zeroing {0}")
    @ValueSource(booleans = {true, false})
    void aChunkScribbledOnOneThreadShouldReadZeroOnAnother(boolean idleZeroing) throws Exception {
        try (SystemHeap heap = heap(idleZeroing)) {
            for (int round = 0; round < 50; round++) {
                CompletableFuture.runAsync(() -> {
                    try (Arena arena = heap.newArena()) {
                        arena.allocate(16 * KIB).fill((byte) 0x77);
                    }
                }, Thread::startVirtualThread).get(10, TimeUnit.SECONDS);
                try (Arena arena = heap.newArena()) {
                    assertThat(Zero.firstNonZero(arena.allocate(16 * KIB))).as("round %d", round).isEqualTo(-1);
                }
                HeapBuffer buffer = heap.allocate(16 * KIB);
                assertThat(Zero.firstNonZero(buffer.segment())).isEqualTo(-1);
                buffer.segment().fill((byte) 0x66);
                CompletableFuture.runAsync(buffer::close, Thread::startVirtualThread).get(10, TimeUnit.SECONDS);
            }
            heap.drain();
            HeapStats stats = heap.stats();
            Zero.assertBalanced(stats);
            assertThat(stats.allocatedBytes()).isZero();
            assertThat(stats.pendingBytes()).isZero();
        }
    }

    @ParameterizedTest(name = "idle zeroing {0}")
    @ValueSource(booleans = {true, false})
    void pressureShouldTakeTheCpuPoolsMemoryBackAndLaterAllocationsStillReadZero(boolean idleZeroing)
            throws InterruptedException {
        try (SystemHeap heap = heap(idleZeroing)) {
            for (int i = 0; i < 16; i++) {
                try (Arena arena = heap.newArena()) {
                    arena.allocate(256 * KIB).fill((byte) 0x11);
                    arena.allocate(4 * KIB).fill((byte) 0x12);
                }
            }
            assertThat(heap.stats().cpuPoolBytes()).isPositive();

            heap.shrink(Long.MAX_VALUE); // never waits for a zeroer: what one holds, it gives back when done

            DeferredFreeListTest.awaitTrue(() -> heap.stats().reservedBytes() == 0 && heap.stats().cpuPoolBytes() == 0,
                    "the zeroers gave back what they held (a refill's reservation included)");
            HeapStats shrunk = heap.stats();
            assertThat(shrunk.cpuPoolBytes()).isZero();
            assertThat(shrunk.reservedBytes()).as("everything given back").isZero();
            Zero.assertBalanced(shrunk);
            try (Arena arena = heap.newArena()) {
                assertThat(Zero.firstNonZero(arena.allocate(256 * KIB))).isEqualTo(-1);
            }
        }
    }

    @Test
    void aRetiredBuffersChunkShouldGoBackToTheCpuItWasClosedOn() throws InterruptedException {
        try (SystemHeap heap = heap(true)) {
            HeapBuffer buffer = heap.allocate(64 * KIB);
            long address = buffer.segment().address();
            buffer.segment().fill((byte) 0x44);
            buffer.close();
            // The CPU idles: its zeroer seals the generation; the retirement hands the chunk to
            // this CPU's pool, whose zeroer zeroes it.
            awaitTrue(() -> heap.stats().zeroedIdle() >= 1, "the retired chunk was zeroed on its CPU");

            HeapBuffer next = heap.allocate(64 * KIB);
            assertThat(next.segment().address()).isEqualTo(address);
            assertThat(Zero.firstNonZero(next.segment())).isEqualTo(-1);
            next.close();
            assertThat(heap.stats().cpuPoolCleanTakes()).isEqualTo(1);
        }
    }
}
