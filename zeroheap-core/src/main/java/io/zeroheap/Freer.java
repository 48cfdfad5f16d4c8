package io.zeroheap;

import io.zeroheap.DeferredFreeList.Item;

/**
 * One thread's claim on the item whose free action it runs: the list of freers is what
 * {@link DeferredFreeList#drain()} waits on. Guarded by the list lock; {@code thread} is final.
 */
final class Freer {
    final Thread thread;
    Item item;
    long seq;
    Freer prev;
    Freer next;

    Freer(Thread thread) {
        this.thread = thread;
    }
}
