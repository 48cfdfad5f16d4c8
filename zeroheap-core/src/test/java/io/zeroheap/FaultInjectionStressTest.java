package io.zeroheap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads allocate, scribble and free buffers and arenas while a share of the heap's calls into
 * the OS fail: every allocation either reads zero or fails with a clear exception, nothing is
 * lost from the accounts, and everything goes back at the end.
 */
class FaultInjectionStressTest {

    private static final int THREADS = 3;
    private static final int OPERATIONS_PER_THREAD = 3_000;
    private static final long MAX_SIZE = 256 << 10;

    @ParameterizedTest(name = "{0} faults, deferred {1}")
    @CsvSource({"0.01, true", "0.10, true", "0.10, false"})
    void everyAllocationShouldReadZeroOrFailClearlyAndTheAccountsBalance(double probability, boolean deferred)
            throws InterruptedException {
        SystemHeap heap = SystemHeap.builder().name("faults-" + probability + "-" + deferred).register(false)
                .deferredFree(deferred).maxBytes(64 << 20).injectFaults(probability, 42).build();
        AtomicLong succeeded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    run(heap, new SplittableRandom(seed), succeeded, failed);
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(unexpected.get()).as("only clear failures of the injected faults").isNull();
        assertThat(heap.injectedFaults()).as("faults were injected").isPositive();
        assertThat(succeeded.get()).isPositive();
        heap.stopInjectingFaults();
        // A drain waits a bounded time for an idle zeroer holding chunks (a starved one, on a
        // loaded machine, hands them back later): drain until nothing is pending, or time out
        // if something was really lost.
        DeferredFreeListTest.awaitTrue(() -> {
            heap.drain();
            return heap.stats().pendingBytes() == 0;
        }, "every free retried or done");
        HeapStats drained = heap.stats();
        Zero.assertBalanced(drained);
        assertThat(drained.allocatedBytes()).as("every buffer and arena was closed").isZero();
        assertThat(drained.pendingBytes()).as("every free was retried or done").isZero();
        try (Arena arena = heap.newArena()) { // what is pooled after the faults reads zero
            for (long size = 4096; size <= MAX_SIZE; size *= 2) {
                assertThat(Zero.firstNonZero(arena.allocate(size))).isEqualTo(-1);
            }
        }
        heap.close();
        HeapStats closed = heap.stats();
        System.out.printf("faults %.2f, deferred %s: %d operations succeeded, %d failed clearly, %d faults injected,"
                + " %d frees failed (counted), %d allocations failed (counted), pages lost 0%n", probability, deferred,
                succeeded.get(), failed.get(), heap.injectedFaults(), closed.failedFrees(), closed.allocationFailures());
        assertThat(closed.reservedBytes()).as("everything back to the OS at close").isZero();
        Zero.assertBalanced(closed);
    }

    @org.junit.jupiter.api.Test
    void aCloseWhoseFirstUnmapFailsShouldStillRunEveryStepAndGiveEverythingBack() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger unmapFailures = new java.util.concurrent.atomic.AtomicInteger();
        io.zeroheap.os.MemorySource failingOnce = new io.zeroheap.os.DelegatingSource(io.zeroheap.os.MemorySource.platformDefault()) {
            @Override
            public void unmap(long address, long byteSize) {
                if (unmapFailures.getAndDecrement() > 0) {
                    throw new IllegalStateException("injected fault: the first munmap at close fails");
                }
                super.unmap(address, byteSize);
            }
        };
        SystemHeap heap = SystemHeap.builder().name("close-after-failure").register(false).memorySource(failingOnce)
                .workerName("close-after-failure-worker").build();
        for (int i = 0; i < 8; i++) { // chunks in the CPU pools (16 KiB) and the shared pools (2 MiB)
            try (Arena arena = heap.newArena()) {
                arena.allocate(16 << 10).fill((byte) 1);
                arena.allocate(2 << 20).fill((byte) 2);
            }
        }
        heap.drain();
        assertThat(heap.stats().cpuPoolBytes()).as("the close starts with the CPU pools").isPositive();
        unmapFailures.set(1); // the first munmap from now on: the CPU pools' close's first

        org.assertj.core.api.Assertions.assertThatThrownBy(heap::close).hasMessageContaining("injected fault");

        HeapStats closed = heap.stats();
        assertThat(closed.reservedBytes()).as("every other step ran: everything given back").isZero();
        Zero.assertBalanced(closed);
        DeferredFreeListTest.awaitTrue(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("close-after-failure-worker")), "the free list's close stopped its worker");
    }

    private static void run(SystemHeap heap, SplittableRandom random, AtomicLong succeeded, AtomicLong failed) {
        List<HeapBuffer> held = new ArrayList<>();
        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            long size = 1 + random.nextLong(MAX_SIZE);
            try {
                if (random.nextBoolean()) {
                    try (Arena arena = heap.newArena()) {
                        use(arena.allocate(size));
                        use(arena.allocate(1 + random.nextLong(2048)));
                    }
                } else {
                    HeapBuffer buffer = heap.allocate(size);
                    use(buffer.segment());
                    held.add(buffer);
                    if (held.size() > 8 || random.nextInt(4) == 0) {
                        held.remove(random.nextInt(held.size())).close(); // freed even if this throws
                    }
                }
                succeeded.incrementAndGet();
            } catch (HeapOutOfMemoryError | IllegalStateException e) {
                if (!causedByAnInjectedFault(e)) {
                    throw e;
                }
                failed.incrementAndGet();
            }
        }
        for (HeapBuffer buffer : held) {
            try {
                buffer.close();
            } catch (IllegalStateException e) { // a synchronous heap frees on close: an injected fault
                if (!causedByAnInjectedFault(e)) {
                    throw e;
                }
            }
        }
    }

    /** The buffer reads zero where sampled, then is scribbled for its next user to find. */
    private static void use(MemorySegment segment) {
        long size = segment.byteSize();
        for (long offset = 0; offset < size; offset += 4093) {
            assertThat(segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset)).isZero();
        }
        assertThat(segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, size - 1)).isZero();
        segment.fill((byte) 0x6B);
    }

    private static boolean causedByAnInjectedFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("injected fault")) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (causedByAnInjectedFault(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }
}
