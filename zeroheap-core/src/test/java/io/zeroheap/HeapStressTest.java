package io.zeroheap;

import org.junit.jupiter.api.Test;

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
 * at the end.
 */
class HeapStressTest {

    private static final int THREADS = 2;
    private static final int OPS_PER_THREAD = 20_000;

    @Test
    void shouldNeverHandOutStaleDataAndEndWithExactAccounts() throws Exception {
        try (SystemHeap heap = SystemHeap.builder().name("stress").register(false)
                .maxBytes(64L << 20).generationMaxBuffers(64).build()) {
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
