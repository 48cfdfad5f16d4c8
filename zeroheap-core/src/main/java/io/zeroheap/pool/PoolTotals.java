package io.zeroheap.pool;

import java.util.List;

/**
 * The sum over every pool of one {@link PoolSet#snapshot()}: pages by state and event counts,
 * size classes and huge chunks together. Summed from one snapshot, taken under all pool
 * locks, so {@code allocatedPages + pooledPages + pendingPages == reservedPages} holds here
 * too (DESIGN rule 3). Immutable.
 *
 * @param allocatedPages pages of chunks in use
 * @param pooledPages    pages of zeroed chunks ready to hand out
 * @param pendingPages   pages freed by their users, not yet zeroed or given back
 * @param reservedPages  pages held from the OS
 * @param purgedPages    pages of pinned freed chunks given back to the OS (address space only)
 * @param hits           allocations served from a pool
 * @param misses         allocations that found their pool empty
 * @param zeroedFrees    chunks zeroed and pooled
 * @param releasedFrees  chunks given back to the OS because their pool was full or huge
 * @param pressureFrees  chunks given back to the OS unzeroed under pressure
 */
public record PoolTotals(long allocatedPages, long pooledPages, long pendingPages, long reservedPages,
                         long purgedPages, long hits, long misses,
                         long zeroedFrees, long releasedFrees, long pressureFrees) {

    /**
     * Sums {@code perPool}.
     *
     * @param perPool one snapshot of every pool, as {@link PoolSet#snapshot()} returns it
     * @return the totals; all zero for an empty list
     * @throws NullPointerException if {@code perPool} or an element is null
     */
    public static PoolTotals of(List<PagePool.PoolStats> perPool) {
        long allocated = 0;
        long pooled = 0;
        long pending = 0;
        long reserved = 0;
        long purged = 0;
        long hits = 0;
        long misses = 0;
        long zeroed = 0;
        long released = 0;
        long pressure = 0;
        for (PagePool.PoolStats pool : perPool) {
            allocated += pool.allocatedPages();
            pooled += pool.pooledPages();
            pending += pool.pendingPages();
            reserved += pool.reservedPages();
            purged += pool.purgedPages();
            hits += pool.hits();
            misses += pool.misses();
            zeroed += pool.zeroedFrees();
            released += pool.releasedFrees();
            pressure += pool.pressureFrees();
        }
        return new PoolTotals(allocated, pooled, pending, reserved, purged, hits, misses, zeroed, released, pressure);
    }
}
