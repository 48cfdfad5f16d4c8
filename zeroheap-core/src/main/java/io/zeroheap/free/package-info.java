/**
 * The freeing side of a heap. The deferred-free worker: the low-priority thread that empties an
 * {@link io.zeroheap.DeferredFreeList}. {@link io.zeroheap.free.FreeWorker} owns the thread's
 * life (start at Linux niceness 19, free, run the idle action, park until work, replace a dead
 * worker, stop); the list owns the items, the lock and the counters of what was freed.
 * {@link io.zeroheap.free.ChunkRecycler} is what a heap hands to that list: buffers' chunks
 * once their generation retires, arenas' chunks once the arena is closed, and every chunk's
 * free action. Not exported.
 */
package io.zeroheap.free;
