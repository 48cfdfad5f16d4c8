/**
 * Leak detection: finding {@link io.zeroheap.HeapBuffer}s and heap arenas that became
 * unreachable without being closed, reclaiming their memory through the heap's normal free
 * path, and reporting them. Not exported.
 *
 * <p>Design: {@link io.zeroheap.leak.LeakDetector#shouldTrack()} picks the allocations to
 * track (none, one in 128 at random, or all). Each tracked object gets one
 * {@link io.zeroheap.leak.LeakTracker}, with its allocation stack trace, a phantom
 * reference that holds what is needed to free the object's memory but never the object
 * itself. Trackers are kept reachable in per-thread blocks of slots (no lock or atomic on the
 * allocating thread; see {@link io.zeroheap.leak.LeakReaper}). A normal close clears the
 * tracker and empties its slot (two plain stores), so the garbage collector never sees it
 * again. A tracker whose referent dies uncleared is enqueued by the GC; the daemon thread of
 * {@link io.zeroheap.leak.LeakReaper} frees the memory through the heap's normal path and
 * reports the leak. Closing while the object is reachable makes free-on-close and
 * free-on-leak mutually exclusive without a CAS.
 */
package io.zeroheap.leak;
