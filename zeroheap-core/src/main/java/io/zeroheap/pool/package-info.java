/**
 * Page pools: zeroed chunks of memory by size class, where they come from and how they go
 * back. {@link io.zeroheap.pool.PoolSet} owns one {@link io.zeroheap.pool.PagePool} per
 * {@link io.zeroheap.pool.SizeClasses size class} plus one for huge chunks, the heap's budget
 * and its memory source. Every page count is booked under its pool's lock (the worker's
 * zeroed chunks wait on a lock-free return stack, counted pending, until the next holder of
 * the lock books them pooled), so a snapshot taken under all pool locks is exact. Pools are
 * refilled by the idle worker when allocations found them short. Not exported.
 */
package io.zeroheap.pool;
