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

    /** Looks in a row without change after which pending chunks count as parked, not in progress. */
    private static final int SETTLED_POLLS = 10;

    final SystemHeap heap;
    private final boolean deferredFree;

    HeapAllocator(String name, boolean deferredFree) {
        this.deferredFree = deferredFree;
        this.heap = SystemHeap.builder().name(name).deferredFree(deferredFree).register(false).build();
    }

    /**
     * Waits until the worker has caught up: nothing pending and the pools unchanged between two
     * looks 1 ms apart (it has zeroed the last burst and refilled what it refills), or, if
     * freed chunks stay pending (buffers wait in a generation that is not sealed yet), nothing
     * changed for {@value #SETTLED_POLLS} looks in a row; at most {@code maxNanos}. A heap
     * without deferred frees has no worker: nothing to wait for.
     */
    @Override
    public void awaitIdle(long maxNanos) {
        if (!deferredFree) {
            return;
        }
        long deadline = System.nanoTime() + maxNanos;
        HeapStats before = heap.stats();
        int unchanged = 0;
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
            HeapStats now = heap.stats();
            boolean same = now.pendingBytes() == before.pendingBytes() && now.pooledBytes() == before.pooledBytes()
                    && now.reservedBytes() == before.reservedBytes();
            unchanged = same ? unchanged + 1 : 0;
            if (same && (now.pendingBytes() == 0 || unchanged >= SETTLED_POLLS)) {
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
