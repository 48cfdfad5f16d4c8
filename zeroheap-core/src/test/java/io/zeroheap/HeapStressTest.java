package io.zeroheap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads allocate, write, hand buffers to each other and free them, under a budget, while a
 * third thread shrinks; every allocation must read zero and the accounts must balance exactly
 * at the end. Run once per zeroing policy.
 */
class HeapStressTest {

    private static final int THREADS = 2;
    private static final int OPS_PER_THREAD = 12_000;

    /** Where freed chunks are zeroed. */
    enum Policy {
        /** Per-CPU pools, zeroed by idle zeroers or by the allocating thread (the default). */
        CPU_POOLS_IDLE_ZEROING,
        /** Per-CPU pools, always zeroed by the allocating thread. */
        CPU_POOLS_ZEROED_ON_TAKE,
        /** Shared pools only, zeroed by the deferred-free worker. */
        SHARED_POOLS_ONLY,
        /** Synchronous frees: zeroed on the freeing thread. */
        SYNCHRONOUS;

        SystemHeap.Builder configure(SystemHeap.Builder builder) {
            return switch (this) {
                case CPU_POOLS_IDLE_ZEROING -> builder;
                case CPU_POOLS_ZEROED_ON_TAKE -> builder.idleZeroing(false);
                case SHARED_POOLS_ONLY -> builder.cpuPools(false);
                case SYNCHRONOUS -> builder.deferredFree(false);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void shouldNeverHandOutStaleDataAndEndWithExactAccounts(Policy policy) throws Exception {
        try (SystemHeap heap = policy.configure(SystemHeap.builder().name("stress-" + policy).register(false)
                .maxBytes(64L << 20).generationMaxBuffers(64)).build()) {
            ArrayBlockingQueue<HeapBuffer> exchange = new ArrayBlockingQueue<>(256);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong allocations = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 42 + t;
                threads.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                    try {
                        start.await();
                        work(heap, exchange, new SplittableRandom(seed), allocations);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            Thread shrinker = Thread.ofPlatform().name("stress-shrinker").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    heap.shrink(16);
                    Thread.onSpinWait();
                }
            });
            start.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(3));
            }
            shrinker.interrupt();
            shrinker.join();
            if (failure.get() != null) {
                throw new AssertionError("a worker thread failed", failure.get());
            }
            HeapBuffer left;
            while ((left = exchange.poll()) != null) {
                left.close();
            }
            heap.drain();

            HeapStats stats = heap.stats();
            Zero.assertBalanced(stats);
            assertThat(allocations.get()).isEqualTo((long) THREADS * OPS_PER_THREAD);
            assertThat(stats.allocatedBytes()).isZero();
            assertThat(stats.pendingBytes()).isZero();
            assertThat(stats.reservedBytes()).isEqualTo(stats.pooledBytes()).isLessThanOrEqualTo(64L << 20);
            assertThat(stats.failedFrees()).isZero();
            assertThat(stats.poolHits() + stats.poolMisses()).isGreaterThanOrEqualTo((long) THREADS * OPS_PER_THREAD);
        }
    }

    private static void work(SystemHeap heap, ArrayBlockingQueue<HeapBuffer> exchange, SplittableRandom random,
                             AtomicLong allocations) {
        List<HeapBuffer> mine = new ArrayList<>();
        for (int i = 0; i < OPS_PER_THREAD; i++) {
            long size = random.nextInt(10) == 0 ? random.nextLong(64 << 10, 2 << 20) : random.nextLong(1, 16 << 10);
            if (random.nextInt(4) == 0) {
                try (Arena arena = heap.newArena()) {
                    MemorySegment segment = arena.allocate(size, 8);
                    requireZero(segment);
                    segment.fill((byte) 0x6B);
                }
            } else {
                HeapBuffer buffer = heap.allocate(size);
                requireZero(buffer.segment());
                buffer.segment().fill((byte) 0x6C);
                if (random.nextBoolean() && exchange.offer(buffer)) {
                    HeapBuffer theirs = exchange.poll();
                    if (theirs != null) {
                        assertThat(theirs.segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x6C);
                        theirs.close();
                    }
                } else {
                    mine.add(buffer);
                }
            }
            allocations.incrementAndGet();
            if (mine.size() > 8) {
                mine.remove(random.nextInt(mine.size())).close();
            }
        }
        mine.forEach(HeapBuffer::close);
    }

    private static void requireZero(MemorySegment segment) {
        long at = Zero.firstNonZero(segment);
        if (at != -1) {
            throw new AssertionError("stale data at offset " + at + " of a fresh " + segment.byteSize() + "-byte segment");
        }
    }
}
