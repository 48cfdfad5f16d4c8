package io.zeroheap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of DESIGN.md, run against every heap variant (JCTools-style: one contract, many
 * implementations).
 */
abstract class HeapContractTest {

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    private static int heapNumber;

    SystemHeap heap;

    /** The variant under test. */
    abstract SystemHeap.Builder variant();

    @BeforeEach
    void createHeap() {
        heap = variant().name(getClass().getSimpleName() + "-" + (++heapNumber)).build();
    }

    @AfterEach
    void closeHeap() {
        if (Heaps.find(heap.name()).isPresent()) {
            heap.close();
        }
    }

    @Test
    void shouldReturnZeroedMemoryWhenTheChunkWasScribbled() {
        for (long size : new long[] {1, 4095, 4096, 4097, 64 * KIB, MIB + 1, 40 * MIB}) {
            for (int round = 0; round < 3; round++) {
                HeapBuffer buffer = heap.allocate(size);
                assertThat(Zero.firstNonZero(buffer.segment())).as("size %d round %d", size, round).isEqualTo(-1);
                buffer.segment().fill((byte) 0x5A);
                buffer.close();
                heap.drain();
            }
        }
    }

    @Test
    void shouldReuseAScribbledChunkOnlyAfterZeroingIt() {
        HeapBuffer first = heap.allocate(2 * MIB);
        long address = first.segment().address();
        first.segment().fill((byte) 0x77);
        first.close();
        heap.drain();
        // Take everything the 2 MiB pool holds (at most its 32 MiB cap): the scribbled chunk
        // must be among them, and read zero like the others.
        List<HeapBuffer> taken = new ArrayList<>();
        boolean reused = false;
        for (int i = 0; i < 20; i++) {
            HeapBuffer buffer = heap.allocate(2 * MIB);
            assertThat(Zero.firstNonZero(buffer.segment())).isEqualTo(-1);
            reused |= buffer.segment().address() == address;
            taken.add(buffer);
        }
        taken.forEach(HeapBuffer::close);
        assertThat(reused).as("the scribbled chunk came back from the pool").isTrue();
    }

    @Test
    void arenaAllocationsShouldReadZeroAndBeRecycledZeroed() {
        for (int round = 0; round < 3; round++) {
            try (Arena arena = heap.newArena()) {
                for (long size : new long[] {0, 1, 7, 100, 2047, 2048, 4096, 10_000, 256 * KIB}) {
                    MemorySegment segment = arena.allocate(size, 8);
                    assertThat(segment.byteSize()).isEqualTo(size);
                    assertThat(segment.address() % 8).isZero();
                    assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
                    segment.fill((byte) 0x33);
                }
            }
            heap.drain();
        }
    }

    @Test
    void smallArenaAllocationsShouldBeSlicedFromSharedChunks() {
        try (Arena arena = heap.newArena()) {
            long before = heap.stats().allocatedBytes();
            for (int i = 0; i < 64; i++) {
                arena.allocate(32, 16);
            }
            assertThat(heap.stats().allocatedBytes() - before).as("64 x 32 bytes fit in one slab chunk")
                    .isEqualTo(4 * heap.stats().pageSize());
        }
    }

    @Test
    void segmentsOfAClosedArenaShouldThrowAtOnce() {
        Arena arena = heap.newArena();
        MemorySegment segment = arena.allocate(64 * KIB, 4096);
        arena.close();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(arena::close).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> arena.allocate(16)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void confinedArenaShouldRejectOtherThreads() throws Exception {
        try (Arena arena = heap.newArena()) {
            MemorySegment segment = arena.allocate(16);
            Throwable allocate = CompletableFuture.supplyAsync(() -> catching(() -> arena.allocate(16))).get(10, TimeUnit.SECONDS);
            Throwable access = CompletableFuture.supplyAsync(() -> catching(() -> segment.get(ValueLayout.JAVA_BYTE, 0)))
                    .get(10, TimeUnit.SECONDS);
            Throwable close = CompletableFuture.supplyAsync(() -> catching(arena::close)).get(10, TimeUnit.SECONDS);
            assertThat(allocate).isInstanceOf(WrongThreadException.class);
            assertThat(access).isInstanceOf(WrongThreadException.class);
            assertThat(close).isInstanceOf(WrongThreadException.class);
        }
    }

    @Test
    void sharedArenaShouldWorkAcrossThreads() throws Exception {
        Arena arena = heap.newSharedArena();
        MemorySegment mine = arena.allocate(1000);
        MemorySegment theirs = CompletableFuture.supplyAsync(() -> arena.allocate(5000)).get(10, TimeUnit.SECONDS);
        theirs.fill((byte) 1);
        mine.fill((byte) 2);
        assertThat(Zero.firstNot(theirs, (byte) 1)).isEqualTo(-1);
        CompletableFuture.runAsync(arena::close).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> mine.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bufferMethodsShouldThrowAtOnceAfterTheLastCloseAndItsSegmentOnceRetired() {
        HeapBuffer buffer = heap.allocate(4096);
        MemorySegment segment = buffer.segment();
        buffer.retain();
        assertThat(buffer.refCount()).isEqualTo(2);
        buffer.close();
        segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // one reference left: still usable
        buffer.close();

        assertThat(buffer.refCount()).isZero();
        assertThatThrownBy(buffer::segment).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(buffer::byteSize).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(buffer::retain).isInstanceOf(IllegalStateException.class).hasMessageContaining("retain");
        assertThatThrownBy(buffer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("close");
        heap.drain();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0))
                .as("the generation was retired before the chunk was recycled")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aLiveBufferShouldKeepItsGenerationsMemoryFromBeingRecycled() {
        HeapBuffer longLived = heap.allocate(4096);
        HeapBuffer shortLived = heap.allocate(4096);
        MemorySegment stale = shortLived.segment();
        long staleAddress = stale.address();
        shortLived.close();
        heap.drain();
        List<HeapBuffer> fresh = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            HeapBuffer buffer = heap.allocate(4096);
            assertThat(buffer.segment().address()).as("a chunk a live segment can reach is never handed out")
                    .isNotEqualTo(staleAddress);
            fresh.add(buffer);
        }
        stale.set(ValueLayout.JAVA_BYTE, 0, (byte) 9); // still in scope: harmless, nobody else has it
        fresh.forEach(HeapBuffer::close);
        longLived.close();
        heap.drain();
        assertThatThrownBy(() -> stale.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        HeapBuffer reused = heap.allocate(4096);
        assertThat(Zero.firstNonZero(reused.segment())).isEqualTo(-1);
        reused.close();
    }

    @Test
    void pagesShouldBeAccountedExactly() {
        HeapStats empty = heap.stats();
        Zero.assertBalanced(empty);
        List<HeapBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            buffers.add(heap.allocate(64 * KIB));
        }
        HeapStats allocated = heap.stats();
        Zero.assertBalanced(allocated);
        assertThat(allocated.allocatedBytes() - empty.allocatedBytes()).isEqualTo(10 * 64 * KIB);
        buffers.forEach(HeapBuffer::close);
        heap.drain();
        HeapStats freed = heap.stats();
        Zero.assertBalanced(freed);
        assertThat(freed.allocatedBytes()).isEqualTo(empty.allocatedBytes());
        assertThat(freed.pendingBytes()).isZero();
        assertThat(freed.pooledBytes()).isGreaterThanOrEqualTo(10 * 64 * KIB);
        assertThat(freed.frees(FreeReason.NORMAL)).isEqualTo(10);
    }

    @Test
    void shrinkShouldGiveEveryPooledPageBack() {
        List<HeapBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            buffers.add(heap.allocate(MIB));
        }
        buffers.forEach(HeapBuffer::close);
        long pages = heap.shrink(Long.MAX_VALUE);
        HeapStats stats = heap.stats();
        assertThat(pages * stats.pageSize()).isGreaterThanOrEqualTo(8 * MIB);
        assertThat(stats.pooledBytes()).isZero();
        assertThat(stats.reservedBytes()).isZero();
        Zero.assertBalanced(stats);
    }

    @Test
    void badInputShouldThrowAndLeaveTheHeapUnchanged() {
        heap.close();
        heap = variant().name(getClass().getSimpleName() + "-quiet-" + (++heapNumber)).refillPools(false).build();
        heap.allocate(4096).close();
        heap.drain();
        HeapStats before = heap.stats();
        Arena arena = heap.newArena();

        assertThatThrownBy(() -> heap.allocate(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("byteSize: -1 (expected: >= 0)");
        assertThatThrownBy(() -> arena.allocate(16, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byteAlignment: 3");
        assertThatThrownBy(() -> arena.allocate(16, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byteAlignment: 0");
        assertThatThrownBy(() -> arena.allocate(-5, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> arena.allocate(-5, 3)).as("the size is checked first, as the JDK does")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byteSize: -5");
        assertThatThrownBy(() -> heap.shrink(-1)).isInstanceOf(IllegalArgumentException.class);
        arena.close();

        HeapStats after = heap.stats();
        assertThat(after.allocatedBytes()).isEqualTo(before.allocatedBytes());
        assertThat(after.reservedBytes()).isEqualTo(before.reservedBytes());
        assertThat(after.poolHits() + after.poolMisses()).isEqualTo(before.poolHits() + before.poolMisses());
    }

    @Test
    void aSizeNoHeapCanServeShouldBeAnOutOfMemoryErrorAsInTheJdksArenasAndLeaveTheHeapUnchanged() {
        HeapStats before = heap.stats();
        try (Arena confined = heap.newArena(); Arena shared = heap.newSharedArena()) {
            for (Arena arena : List.of(confined, shared)) {
                assertThatThrownBy(() -> arena.allocate(Long.MAX_VALUE, 2)).isInstanceOf(OutOfMemoryError.class)
                        .isInstanceOf(HeapOutOfMemoryError.class).hasMessageContaining("can ever succeed");
                assertThatThrownBy(() -> arena.allocate(Long.MAX_VALUE / 2, 8)).isInstanceOf(OutOfMemoryError.class);
            }
            assertThatThrownBy(() -> heap.allocate(Long.MAX_VALUE)).isInstanceOf(HeapOutOfMemoryError.class)
                    .hasMessageContaining("cannot allocate " + Long.MAX_VALUE + " bytes");
        }
        HeapStats after = heap.stats();
        assertThat(after.allocatedBytes()).isEqualTo(before.allocatedBytes());
        assertThat(after.reservedBytes()).isEqualTo(before.reservedBytes());
        assertThat(after.allocationFailures()).isEqualTo(before.allocationFailures() + 5);
    }

    @Test
    void anyPowerOfTwoAlignmentShouldBeServedZeroedWithExactAccounting() {
        long page = heap.stats().pageSize();
        HeapStats before = heap.stats();
        try (Arena arena = heap.newArena()) {
            for (long alignment = 2 * page; alignment <= 4 * MIB; alignment *= 2) {
                for (long size : new long[] {0, 1, 100, page, alignment, alignment + 1}) {
                    MemorySegment segment = arena.allocate(size, alignment);
                    assertThat(segment.address() % alignment).as("size %d aligned to %d", size, alignment).isZero();
                    assertThat(segment.byteSize()).isEqualTo(size);
                    assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
                    segment.fill((byte) 0x3C);
                }
            }
            assertThat(arena.allocate(10, 8).address() % 8).isZero();
        }
        heap.drain();
        HeapStats after = heap.stats();
        Zero.assertBalanced(after);
        assertThat(after.allocatedBytes()).isEqualTo(before.allocatedBytes());
        try (Arena arena = heap.newArena()) { // and every chunk came back zeroed
            for (long alignment = 2 * page; alignment <= 4 * MIB; alignment *= 2) {
                assertThat(Zero.firstNonZero(arena.allocate(alignment + 1, alignment))).isEqualTo(-1);
            }
        }
    }

    @Test
    void zeroLengthAllocationsShouldGetDistinctAddresses() {
        try (Arena confined = heap.newArena(); Arena shared = heap.newSharedArena()) {
            for (Arena arena : List.of(confined, shared)) {
                java.util.Set<Long> addresses = new java.util.HashSet<>();
                for (int i = 0; i < 100; i++) {
                    MemorySegment empty = arena.allocate(0);
                    assertThat(empty.byteSize()).isZero();
                    assertThat(addresses.add(empty.address())).as("allocation %d", i).isTrue();
                }
            }
        }
    }

    @Test
    @SuppressWarnings("restricted") // cleanup actions on the arena's own segment, as a user registers them
    void aThrowingCleanupActionShouldReachTheCallerAndTheArenasMemoryStillGoBack() {
        heap.drain();
        HeapStats before = heap.stats();
        for (boolean shared : new boolean[] {false, true}) {
            Arena arena = shared ? heap.newSharedArena() : heap.newArena();
            MemorySegment segment = arena.allocate(64 * KIB);
            List<String> ran = new java.util.ArrayList<>();
            segment.reinterpret(16, arena, s -> {
                ran.add("first");
                throw new IllegalStateException("cleanup failed on purpose");
            });
            segment.reinterpret(16, arena, s -> ran.add("second"));

            assertThatThrownBy(arena::close).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cleanup failed on purpose");

            assertThat(ran).as("every cleanup ran, as the JDK runs them").containsExactlyInAnyOrder("first", "second");
            assertThat(arena.scope().isAlive()).isFalse();
            assertThatThrownBy(() -> segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(arena::close).as("a second close: already closed")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
        heap.drain();
        HeapStats after = heap.stats();
        assertThat(after.allocatedBytes()).as("the memory went back").isEqualTo(before.allocatedBytes());
        Zero.assertBalanced(after);
    }

    @Test
    void closedHeapShouldRejectUseAndGiveItsMemoryBack() {
        HeapBuffer open = heap.allocate(64 * KIB);
        MemorySegment segment = open.segment();
        heap.allocate(MIB).close();
        heap.close();

        assertThatThrownBy(() -> heap.allocate(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(heap::newArena).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(heap::close).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(heap.stats().reservedBytes()).as("only the open buffer's chunk is still held")
                .isEqualTo(heap.stats().allocatedBytes());
        open.close();
        assertThat(heap.stats().reservedBytes()).isZero();
        assertThat(Heaps.find(heap.name())).isEmpty();
    }

    @Test
    void memoryHeldShouldStayBoundedWhenBuffersAreFreedFasterThanTheWorkerZeroes() {
        long maxHeld = 0;
        for (int i = 0; i < 10_000; i++) { // a tight allocate-touch-free loop: the worker falls behind
            try (HeapBuffer buffer = heap.allocate(MIB)) {
                MemorySegment segment = buffer.segment();
                for (long offset = 0; offset < MIB; offset += 4096) {
                    segment.set(ValueLayout.JAVA_LONG, offset, offset);
                }
            }
            if (i % 100 == 0) {
                maxHeld = Math.max(maxHeld, heap.stats().reservedBytes());
            }
        }
        // pool cap (32 MiB) + pending up to half of it before allocations help + generations
        assertThat(maxHeld).as("most bytes held in a 1 MiB loop").isLessThanOrEqualTo(128 * MIB);
    }

    @Test
    void closingTheHeapShouldEndOpenSharedArenasAndTakeBackConfinedOnesWhenClosed() {
        Arena shared = heap.newSharedArena();
        MemorySegment sharedSegment = shared.allocate(64 * KIB, 4096);
        Arena confined = heap.newArena();
        MemorySegment confinedSegment = confined.allocate(64 * KIB, 4096);
        heap.close();

        assertThat(shared.scope().isAlive()).as("the heap ended the shared arena's scope").isFalse();
        assertThatThrownBy(() -> sharedSegment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        confinedSegment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // only its owner can end it: still usable
        assertThat(heap.stats().allocatedBytes()).isEqualTo(heap.stats().reservedBytes()).isPositive();
        confined.close();
        assertThat(heap.stats().reservedBytes()).as("its memory went straight back to the OS").isZero();
        assertThatThrownBy(() -> heap.shrink(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(heap::newSharedArena).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(heap::drain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sharedArenaAllocationsShouldReadZeroAfterRecycling() {
        for (int round = 0; round < 3; round++) {
            Arena arena = heap.newSharedArena();
            for (long size : new long[] {1, 2048, 4096, 100_000}) {
                MemorySegment segment = arena.allocate(size, 16);
                assertThat(Zero.firstNonZero(segment)).isEqualTo(-1);
                segment.fill((byte) 0x44);
            }
            arena.close();
            heap.drain();
        }
        Zero.assertBalanced(heap.stats());
    }

    @Test
    void allocationBeyondTheBudgetShouldFailClearlyAfterReclaiming() {
        try (SystemHeap small = variant().name("budget-" + getClass().getSimpleName()).maxBytes(2 * MIB).build()) {
            HeapBuffer a = small.allocate(MIB);
            HeapBuffer b = small.allocate(MIB);
            HeapStats before = small.stats();
            assertThatThrownBy(() -> small.allocate(MIB))
                    .isInstanceOf(HeapOutOfMemoryError.class)
                    .hasMessageContaining("budget-" + getClass().getSimpleName())
                    .hasMessageContaining("cannot allocate 1.0 MiB")
                    .hasMessageContaining("budget 2.0 MiB reached")
                    .hasMessageContaining("in use 2.0 MiB")
                    .hasMessageNotContaining("2097152");
            HeapStats after = small.stats();
            assertThat(after.allocatedBytes()).isEqualTo(before.allocatedBytes());
            assertThat(after.reservedBytes()).isEqualTo(before.reservedBytes());
            assertThat(after.allocationFailures()).isEqualTo(1);
            a.close();
            b.close();
        }
    }

    @Test
    void aHeapAtItsBudgetWithPendingFreesShouldStillAllocate() {
        try (SystemHeap small = variant().name("pending-" + getClass().getSimpleName()).maxBytes(4 * MIB).build()) {
            for (int round = 0; round < 20; round++) {
                List<HeapBuffer> buffers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    buffers.add(small.allocate(i % 2 == 0 ? MIB : 900 * KIB));
                }
                buffers.forEach(buffer -> buffer.segment().fill((byte) 1));
                buffers.forEach(HeapBuffer::close); // no drain: frees are pending when we allocate
                try (Arena arena = small.newArena()) {
                    assertThat(Zero.firstNonZero(arena.allocate(2 * MIB, 4096))).isEqualTo(-1);
                }
            }
            Zero.assertBalanced(small.stats());
            assertThat(small.stats().reservedBytes()).isLessThanOrEqualTo(4 * MIB);
        }
    }

    @Test
    void sizesThatRoundUpBeyondTheBudgetShouldBeRejectedUpFront() {
        try (SystemHeap small = variant().name("rounding-" + getClass().getSimpleName()).maxBytes(10_000).build()) {
            small.allocate(8192).close();
            small.drain();
            HeapStats before = small.stats();
            assertThatThrownBy(() -> small.allocate(9000))
                    .isInstanceOf(HeapOutOfMemoryError.class)
                    .hasMessageContaining("cannot allocate 9000 bytes")
                    .hasMessageContaining("12.0 KiB chunk is larger than the budget 9.8 KiB");
            assertThat(small.stats().pooledBytes()).as("nothing was reclaimed for a hopeless request")
                    .isEqualTo(before.pooledBytes());
        }
    }

    @Test
    void aGenerationHeldByBlockingIoShouldRetireLaterWithoutLosingItsMemory() throws Exception {
        HeapBuffer buffer = heap.allocate(4096);
        MemorySegment segment = buffer.segment();
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        CompletableFuture<Integer> reader = new CompletableFuture<>();
        Thread readerThread = Thread.ofPlatform().start(() -> {
            try { // NIO holds the segment's scope while the read blocks in the kernel
                reader.complete(pipe.source().read(segment.asByteBuffer()));
            } catch (Throwable e) {
                reader.completeExceptionally(e);
            }
        });
        DeferredFreeListTest.awaitTrue(() -> java.util.Arrays.stream(readerThread.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("read0")), "the reader blocks in read(2)");
        buffer.close();
        heap.drain(); // seals and tries to retire the generation: its scope is held

        HeapStats held = heap.stats();
        Zero.assertBalanced(held);
        assertThat(held.pendingBytes()).as("the chunk waits, neither lost nor recycled").isGreaterThanOrEqualTo(4096);
        assertThat(held.failedFrees()).isZero();
        assertThat(held.scopeCloseRetries()).as("the retirement was put off, not failed").isPositive();

        pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {42})); // the read returns, the scope is let go
        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        heap.drain(); // retries the retirement at once
        HeapStats retired = heap.stats();
        assertThat(retired.pendingBytes()).isZero();
        assertThat(retired.allocatedBytes()).isZero();
        Zero.assertBalanced(retired);
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
        pipe.source().close();
        pipe.sink().close();
    }

    private static Throwable catching(Runnable action) {
        try {
            action.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }
}
