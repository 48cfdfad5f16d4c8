/**
 * Leak detection: finding {@link io.zeroheap.HeapBuffer}s and heap arenas that became
 * unreachable without being closed, reclaiming their memory through the heap's normal free
 * path, and reporting them. Not exported.
 *
 * <p>Design: each tracked object gets one {@link io.zeroheap.leak.LeakTracker}, a phantom
 * reference that holds what is needed to free the object's memory but never the object
 * itself. Trackers are kept reachable on striped, lock-guarded lists (a stripe per allocating
 * thread's id, so threads rarely share a lock); a normal close claims the tracker (one CAS),
 * clears it and unlinks it, so the garbage collector never sees it again. A tracker whose
 * referent dies unclaimed is enqueued by the GC; the daemon thread of
 * {@link io.zeroheap.leak.LeakReaper} claims it, frees the memory and reports the leak. The
 * claim makes free-on-close and free-on-leak mutually exclusive.
 */
package io.zeroheap.leak;
