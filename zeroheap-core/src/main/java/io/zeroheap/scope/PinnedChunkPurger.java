package io.zeroheap.scope;

import io.zeroheap.Shrinker;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.util.Checks;

/**
 * Under pressure, gives back the pages of freed buffers that still wait for their generation
 * to retire (a live buffer of the same generation keeps its shared scope open, so the chunks
 * cannot be unmapped or reused yet). The pages go back with {@code MADV_DONTNEED}; the
 * addresses stay mapped until the generation retires, so pinning costs address space, not
 * memory. A stale segment that still touches such a chunk reads zeros and harms nobody.
 *
 * <p>Ordered after pending frees and before pools ({@link #seeks()} 1): these pages are of no
 * use to anyone until their generation retires.
 *
 * <p>Thread-safe: walks the waiting lists without locks; each chunk is claimed under its
 * pool's lock, so a chunk is purged at most once and never after it was freed.
 */
public final class PinnedChunkPurger implements Shrinker {

    private final Generations generations;
    private final PoolSet pools;

    /** Creates the purger for one heap's generations and pools. */
    public PinnedChunkPurger(Generations generations, PoolSet pools) {
        this.generations = generations;
        this.pools = pools;
    }

    /** Pages of chunks waiting in unretired generations (an estimate under concurrency). */
    @Override
    public long count() {
        if (!pools.canPurge()) {
            return 0;
        }
        long pages = 0;
        for (Generation generation : generations.unretired()) {
            pages += generation.waitingPages();
        }
        return pages;
    }

    @Override
    public long scan(long nrToScan) {
        Checks.requireNonNegative(nrToScan, "nrToScan");
        if (!pools.canPurge()) {
            return 0;
        }
        long freed = 0;
        for (Generation generation : generations.unretired()) {
            for (Chunk head : generation.waitingHeads()) {
                for (Chunk chunk = head; chunk != null && freed < nrToScan; chunk = chunk.nextWaiting) {
                    if (chunk.isWaiting()) {
                        freed += pools.purge(chunk);
                    }
                }
            }
            if (freed >= nrToScan) {
                break;
            }
        }
        return freed;
    }

    @Override
    public int seeks() {
        return 1;
    }

    @Override
    public String toString() {
        return "PinnedChunkPurger";
    }
}
