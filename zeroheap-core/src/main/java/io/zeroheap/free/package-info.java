/**
 * The deferred-free worker: the low-priority thread that empties an
 * {@link io.zeroheap.DeferredFreeList}. {@link io.zeroheap.free.FreeWorker} owns the thread's
 * life (start at Linux niceness 19, free, run the idle action, park until work, replace a dead
 * worker, stop); the list owns the items, the lock and the counters of what was freed.
 * Not exported.
 */
package io.zeroheap.free;
