package io.zeroheap.cli;

import io.zeroheap.SystemHeap;

/**
 * What the zeroheap allocators share: a private {@link SystemHeap} (not registered) built with
 * the library's defaults, one for every thread of a cell, and giving its memory back between
 * cells. Between bursts nothing is waited for: the worker gets the idle gap every allocator
 * gets, and what it has not done by the next burst is the next burst's problem.
 */
abstract class HeapAllocator implements Allocator {

    final SystemHeap heap;

    HeapAllocator(String name, boolean deferredFree) {
        this.heap = SystemHeap.builder().name(name).deferredFree(deferredFree).register(false).build();
    }

    /** Drains the free list and gives every pooled page back, so each cell starts alike. */
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
