package io.zeroheap;

import io.zeroheap.os.NativeThreads;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Memory given back by {@code shrink} really leaves the process (Linux RSS). */
class HeapMemoryReturnTest {

    private static final long MIB = 1 << 20;

    @Test
    void shrinkShouldLowerTheResidentSetSize() throws IOException {
        assumeTrue(NativeThreads.isSupported() && Files.exists(Path.of("/proc/self/status")),
                "needs Linux /proc and native access");
        try (SystemHeap heap = SystemHeap.builder().name("rss").register(false).build()) {
            assumeTrue(heap.stats().memorySource().equals("mmap"), "needs the mmap source");
            List<HeapBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 96; i++) {
                HeapBuffer buffer = heap.allocate(MIB);
                buffer.segment().fill((byte) 1);
                buffers.add(buffer);
            }
            buffers.forEach(HeapBuffer::close);
            heap.drain();
            assertThat(heap.stats().pooledBytes()).isGreaterThanOrEqualTo(32 * MIB);
            long pooled = heap.stats().pooledBytes();
            long before = residentBytes();

            long pages = heap.shrink(Long.MAX_VALUE);

            long after = residentBytes();
            assertThat(pages * heap.stats().pageSize()).isEqualTo(pooled);
            assertThat(before - after).as("RSS drop (before %d, after %d)", before, after)
                    .isGreaterThanOrEqualTo(pooled * 9 / 10);
        }
    }

    @Test
    void pressureShouldPurgeFreedBuffersThatALiveBufferPins() throws IOException {
        assumeTrue(NativeThreads.isSupported() && Files.exists(Path.of("/proc/self/status")),
                "needs Linux /proc and native access");
        try (SystemHeap heap = SystemHeap.builder().name("pinned").register(false)
                .generationMaxBytes(64 * MIB).build()) {
            assumeTrue(heap.stats().memorySource().equals("mmap"), "needs the mmap source");
            HeapBuffer longLived = heap.allocate(4096);
            List<HeapBuffer> shortLived = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                HeapBuffer buffer = heap.allocate(MIB);
                buffer.segment().fill((byte) 7);
                shortLived.add(buffer);
            }
            java.lang.foreign.MemorySegment stale = shortLived.get(0).segment();
            shortLived.forEach(HeapBuffer::close);
            heap.drain(); // seals the generation; the long-lived buffer keeps it from retiring
            assertThat(heap.stats().pendingBytes()).isEqualTo(32 * MIB);
            long before = residentBytes();

            long pages = heap.shrink(32 * MIB / 4096);

            long after = residentBytes();
            HeapStats stats = heap.stats();
            assertThat(pages).isEqualTo(32 * MIB / 4096);
            assertThat(stats.pendingBytes()).isZero();
            assertThat(stats.purgedBytes()).isEqualTo(32 * MIB);
            Zero.assertBalanced(stats);
            assertThat(before - after).as("RSS drop (before %d, after %d)", before, after)
                    .isGreaterThanOrEqualTo(30 * MIB);
            assertThat(Zero.firstNonZero(stale)).as("a stale segment of a purged chunk reads zero").isEqualTo(-1);

            longLived.close();
            heap.drain();
            HeapStats retired = heap.stats();
            assertThat(retired.purgedBytes()).as("purged chunks are unmapped when the generation retires").isZero();
            assertThat(retired.reservedBytes()).isEqualTo(retired.pooledBytes());
            Zero.assertBalanced(retired);
        }
    }

    @Test
    void idleWorkerShouldRefillAPoolThatABurstFoundShort() throws InterruptedException {
        // The worker's zeroing waits on a latch while the burst runs, so every allocation after
        // the first finds the pool short and zeroes a pending chunk itself: the shortfalls are
        // certain, not a race against the worker.
        java.util.concurrent.CountDownLatch burstDone = new java.util.concurrent.CountDownLatch(1);
        io.zeroheap.os.MemorySource gated = new io.zeroheap.os.DelegatingSource(io.zeroheap.os.MemorySource.platformDefault()) {
            @Override
            public void zero(long address, long byteSize) {
                if (Thread.currentThread().getName().startsWith("refill-worker")) {
                    try {
                        burstDone.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.zero(address, byteSize);
            }
        };
        // CPU pools off: this is the shared pools' refill, which 1 MiB chunks would bypass.
        try (SystemHeap heap = SystemHeap.builder().name("refill").register(false).cpuPools(false)
                .memorySource(gated).workerName("refill-worker").build()) {
            for (int i = 0; i < 64; i++) {
                try (java.lang.foreign.Arena arena = heap.newArena()) {
                    arena.allocate(MIB, 4096).fill((byte) 1);
                }
            }
            long shortfalls = heap.stats().selfZeroedAllocations();
            burstDone.countDown();
            heap.drain();
            assertThat(shortfalls).as("the burst zeroed pending chunks itself").isGreaterThanOrEqualTo(32);
            // Without a refill the pool holds only the few chunks the one-at-a-time loop used.
            long expected = 32; // capped by the 32 MiB pool cap
            DeferredFreeListTest.awaitTrue(() -> pooledChunksOf(heap, MIB) >= expected,
                    "the idle worker refilled the pool"); // asynchronously, when it is idle
            assertThat(pooledChunksOf(heap, MIB)).as("pool refilled by the %d shortfalls", shortfalls)
                    .isBetween(expected, 33L); // the cap may be passed by one chunk per concurrent freer
            Zero.assertBalanced(heap.stats());
        }
    }

    private static long pooledChunksOf(SystemHeap heap, long chunkByteSize) {
        return heap.stats().sizeClasses().stream().filter(c -> c.chunkByteSize() == chunkByteSize)
                .mapToLong(HeapStats.SizeClassStats::pooledChunks).sum();
    }

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
