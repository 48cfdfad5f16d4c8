package io.zeroheap.cli;

import io.zeroheap.HeapStats;
import io.zeroheap.SystemHeap;

import java.util.concurrent.locks.LockSupport;

/**
 * What the zeroheap allocators share: a private {@link SystemHeap} (not registered), waiting
 * for its worker between bursts, and giving its memory back between sizes.
 */
abstract class HeapAllocator implements Allocator {

    /** How often {@link #awaitIdle} looks at the heap. */
    private static final long POLL_NANOS = 1_000_000;

    final SystemHeap heap;

    HeapAllocator(String name, boolean deferredFree) {
        this.heap = SystemHeap.builder().name(name).deferredFree(deferredFree).register(false).build();
    }

    /**
     * Waits until nothing is pending and the pools stopped changing between two looks 1 ms
     * apart (the worker has zeroed the last burst and refilled what it refills), or
     * {@code maxNanos} passed.
     */
    @Override
    public void awaitIdle(long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        HeapStats before = heap.stats();
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
            HeapStats now = heap.stats();
            if (now.pendingBytes() == 0 && now.pooledBytes() == before.pooledBytes()
                    && now.reservedBytes() == before.reservedBytes()) {
                return;
            }
            before = now;
        }
    }

    /** Drains the free list and gives every pooled page back, so each size starts alike. */
    @Override
    public void trim() {
        heap.drain();
        heap.shrink(Long.MAX_VALUE);
    }

    @Override
    public long heldBytes() {
        return heap.stats().reservedBytes();
    }

    @Override
    public void close() {
        heap.close();
    }
}
