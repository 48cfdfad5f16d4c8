package io.zeroheap;

import io.zeroheap.DeferredFreeList.Item;

/**
 * A zero-page placeholder that {@link DeferredFreeList#drain()} follows through the queue;
 * never counted. Guarded by the list lock.
 */
final class DrainMarker extends Item {
    /** Guarded by the list lock. */
    boolean taken;
    /** Guarded by the list lock: the order in which it was taken. */
    long seq;

    DrainMarker() {
        super(0, (item, reason) -> { });
    }
}
