/**
 * Page pools: zeroed chunks of memory by size class, where they come from and how they go
 * back. {@link io.zeroheap.pool.PoolSet} owns one {@link io.zeroheap.pool.PagePool} per
 * {@link io.zeroheap.pool.SizeClasses size class} plus one for huge chunks, the heap's budget
 * and its memory source; every chunk state change (pooled, allocated, pending, released) is
 * booked under its pool's lock, so a snapshot taken under all pool locks is exact. Not
 * exported.
 */
package io.zeroheap.pool;
