package io.zeroheap.pool;

import io.zeroheap.DeferredFreeList;
import io.zeroheap.FreeReason;
import io.zeroheap.Shrinker;
import io.zeroheap.os.MemoryRefusedException;
import io.zeroheap.os.MemorySource;
import io.zeroheap.util.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A heap's chunks: one {@link PagePool} per size class plus one for huge chunks, the memory
 * source behind them and the budget on what they may hold from the OS.
 *
 * <p>Life of a chunk: mapped fresh (reads zero) or popped from its pool (zeroed) →
 * allocated → pending (its user let go; {@link #markPending}) → freed through
 * {@link #free}: {@code NORMAL} zeroes it and pools it, or gives it back when the pool is at
 * its cap; {@code UNDER_PRESSURE} gives it back unzeroed. Pooled chunks go back to the OS
 * through {@link #shrinkPools}.
 *
 * <p>Small classes are carved from slabs of up to {@value #SLAB_BYTES} bytes where the source
 * can unmap part of a mapping, so a miss costs one system call per slab, not per chunk.
 *
 * <p>Thread-safety: all methods may be called from any thread. The budget is one atomic
 * counter of bytes held from the OS, reserved before a mapping and released after an unmap;
 * everything else is booked under the pool locks (see {@link PagePool}).
 */
public final class PoolSet implements Shrinker {

    /** The largest slab that small chunks are carved from. */
    static final long SLAB_BYTES = 1 << 20;
    private static final int CHUNKS_PER_SLAB = 16;

    private final MemorySource source;
    private final SizeClasses classes;
    private final PagePool[] pools;
    private final PagePool huge;
    private final long maxBytes;
    private final boolean populate;
    private final boolean hugePages;
    private final AtomicLong heldBytes = new AtomicLong();
    /** Set on a shortfall, cleared by {@link #refill}: lets an idle worker skip the pools. */
    private volatile boolean shortSinceRefill;
    private final DeferredFreeList.FreeAction freeAction;
    private final LongConsumer heldListener;

    /**
     * @param source       where memory comes from
     * @param classes      the size classes
     * @param poolCapBytes the most each class's pool keeps
     * @param maxBytes     the most all chunks together may hold from the OS
     * @param populate     whether fresh mappings are faulted in at once
     * @param hugePages    whether mappings of at least a huge page ask for transparent huge pages
     * @param freeAction   the deferred free action every chunk carries; it ends in {@link #free}
     * @param heldListener told every change of the bytes held from the OS (+ mapped, - given
     *                     back), after it happened; called on map and unmap paths only
     */
    public PoolSet(MemorySource source, SizeClasses classes, long poolCapBytes, long maxBytes, boolean populate,
                   boolean hugePages, DeferredFreeList.FreeAction freeAction, LongConsumer heldListener) {
        this.heldListener = heldListener;
        this.hugePages = hugePages;
        this.source = source;
        this.freeAction = freeAction;
        this.classes = classes;
        this.maxBytes = maxBytes;
        this.populate = populate;
        this.pools = new PagePool[classes.count()];
        for (int i = 0; i < pools.length; i++) {
            pools[i] = new PagePool(classes.byteSize(i), i, classes.pageSize(), poolCapBytes);
        }
        this.huge = new PagePool(0, -1, classes.pageSize(), 0);
    }

    /** Returns the size classes. */
    public SizeClasses classes() {
        return classes;
    }

    /** Returns the memory source. */
    public MemorySource source() {
        return source;
    }

    /** Returns the bytes held from the OS now (the budget's measure). */
    public long heldBytes() {
        return heldBytes.get();
    }

    /** Returns the budget in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Returns a pooled, zeroed chunk of at least {@code byteSize} bytes, booked allocated (a
     * hit), or null, booked a miss (huge sizes always miss).
     */
    public Chunk allocatePooled(long byteSize) {
        int index = classes.indexOf(byteSize);
        if (index < 0) {
            huge.countMiss();
            return null;
        }
        return pools[index].pop(true);
    }

    /**
     * Books that an allocation of {@code byteSize} found its pool short and zeroed a pending
     * chunk itself; the idle worker's {@link #refill} makes up for it.
     *
     * @return true if this is the first shortfall since the last refill (time to ask for one)
     */
    public boolean recordShortfall(long byteSize) {
        int index = classes.indexOf(byteSize);
        if (index < 0) {
            return false;
        }
        pools[index].countShortfall();
        if (shortSinceRefill) {
            return false;
        }
        shortSinceRefill = true;
        return true;
    }

    /**
     * Like {@link #allocatePooled} for an allocation that already missed once: a second miss
     * is not counted.
     */
    public Chunk retryPooled(long byteSize) {
        int index = classes.indexOf(byteSize);
        return index < 0 ? null : pools[index].pop(false);
    }

    /**
     * Takes a pooled chunk for {@code byteSize} bytes to move it to another pool (a CPU pool's
     * refill), booked allocated but counted neither as a hit nor a miss, if one is pooled and
     * the pool's lock is free. Otherwise records the shortfall, for the next {@link #refill}
     * to map, and returns null. Never blocks and never maps: an idle-priority thread calls it.
     */
    public Chunk tryTakeForTransfer(long byteSize) {
        int index = classes.indexOf(byteSize);
        if (index < 0) {
            return null;
        }
        Chunk chunk = pools[index].tryPopForTransfer();
        if (chunk == null) {
            pools[index].countTransferShortfall();
            shortSinceRefill = true;
        }
        return chunk;
    }

    /** Returns the bytes of the chunk that serves {@code byteSize}. */
    public long chunkByteSize(long byteSize) {
        return chunkPages(byteSize) * classes.pageSize();
    }

    /**
     * Maps a fresh chunk of at least {@code byteSize} bytes (it reads zero), booked allocated;
     * small classes get a slab whose other chunks are pooled.
     *
     * @return the chunk; null if mapping it would exceed the budget
     * @throws MemoryRefusedException if the OS refuses memory
     */
    public Chunk allocateFresh(long byteSize) {
        int index = classes.indexOf(byteSize);
        return index < 0 ? mapHuge(classes.roundToPages(byteSize)) : mapFresh(pools[index]);
    }

    /**
     * Whether freed chunks of the class that serves {@code byteSize} wait to be zeroed (huge
     * sizes: never; they are not pooled). An allocation that misses then zeroes pending chunks
     * itself rather than mapping fresh memory: here zeroing costs ~0.04 µs a page, a fresh
     * populated page ~0.6 µs, and the heap holds no more than it did.
     */
    public boolean hasPending(long byteSize) {
        int index = classes.indexOf(byteSize);
        return index >= 0 && pools[index].pendingPagesEstimate() > 0;
    }

    /**
     * Fills each pool back up with fresh, pre-faulted chunks for the allocations that found it
     * short since the last refill (capped by the pool cap, and never above half the budget, so
     * allocations near the budget do not compete with it), so the next burst of the same size
     * is served from the pool. Meant for the idle worker: it maps and faults in memory, which
     * is slow, off every allocating thread.
     *
     * @return chunks added
     */
    public long refill() {
        if (!shortSinceRefill) {
            return 0;
        }
        shortSinceRefill = false;
        long added = 0;
        for (PagePool pool : pools) {
            long wanted = pool.takeDemand();
            while (wanted > 0) {
                int mapped;
                try {
                    mapped = mapFreshIntoPool(pool, wanted);
                } catch (MemoryRefusedException e) {
                    return added; // the OS is short of memory: not the time to fill pools
                }
                if (mapped == 0) {
                    return added; // budget reached
                }
                added += mapped;
                wanted -= mapped;
            }
        }
        return added;
    }

    /**
     * Drops the demand every pool recorded since the last {@link #refill}: after a shrink,
     * the next refill maps only for what allocations miss from then on.
     */
    public void forgetDemand() {
        for (PagePool pool : pools) {
            pool.takeDemand();
        }
    }

    /** Returns the pages of the chunk that serves {@code byteSize}. */
    public long chunkPages(long byteSize) {
        int index = classes.indexOf(byteSize);
        long bytes = index < 0 ? classes.roundToPages(byteSize) : classes.byteSize(index);
        return bytes / classes.pageSize();
    }

    /**
     * Books a chunk its user let go of as pending, to be freed later through {@link #free}.
     *
     * @throws IllegalStateException if the chunk is not allocated
     */
    public void markPending(Chunk chunk) {
        chunk.pool().markPending(chunk);
    }

    /**
     * Frees a pending chunk whose memory no live segment can reach any more: {@code NORMAL}
     * zeroes it and pools it (or gives it back if the pool is full); {@code UNDER_PRESSURE}
     * gives it back to the OS unzeroed.
     *
     * @return true if the chunk was zeroed and pooled; false if it went back to the OS
     * @throws RuntimeException if zeroing failed (the chunk went back to the OS instead: a
     *                          chunk that cannot be zeroed is never pooled, nor kept pending
     *                          with nobody to free it) or unmapping did (its bytes left the
     *                          budget all the same)
     */
    public boolean free(Chunk chunk, FreeReason reason) {
        PagePool pool = chunk.pool();
        if (reason == FreeReason.NORMAL && pool.hasRoom(chunk)) {
            try {
                source.zero(chunk.address(), chunk.byteSize());
            } catch (RuntimeException e) {
                try {
                    releasePending(chunk, false);
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            if (pool.offerZeroed(chunk)) {
                return true;
            }
        }
        releasePending(chunk, reason == FreeReason.UNDER_PRESSURE);
        return false;
    }

    /** Books a pending chunk as given back to the OS, and unmaps it unless a purge will. */
    private void releasePending(Chunk chunk, boolean underPressure) {
        switch (chunk.pool().releasePending(chunk, underPressure)) {
            case UNMAP -> unmap(chunk);
            case UNMAP_PURGED -> source.unmap(chunk.address(), chunk.byteSize());
            case LEFT_TO_PURGER -> {
                // the purging thread unmaps it when its madvise returns
            }
        }
    }

    /**
     * Marks a buffer's chunk as waiting for its generation to retire (see
     * {@link PagePool#markWaiting}); it stays booked allocated. Lock-free.
     *
     * @throws IllegalStateException if the chunk is not allocated
     */
    public void markWaiting(Chunk chunk) {
        chunk.pool().markWaiting(chunk);
    }

    /**
     * Takes a waiting chunk back as allocated once its generation retired.
     *
     * @return false if a purger took it (it is unmapped when freed, never pooled)
     */
    public boolean claimWaiting(Chunk chunk) {
        return chunk.pool().claimWaiting(chunk);
    }

    /**
     * Takes back an allocated chunk that is already zeroed (a CPU pool's clean chunk): pools it
     * as it is, without zeroing it again, or gives it back to the OS if its pool is full.
     *
     * @return true if pooled
     * @throws IllegalStateException if the chunk is not allocated
     */
    public boolean poolZeroed(Chunk chunk) {
        markPending(chunk);
        PagePool pool = chunk.pool();
        if (pool.hasRoom(chunk) && pool.offerZeroed(chunk)) {
            return true;
        }
        releasePending(chunk, false); // the pool is full: back to the OS
        return false;
    }

    /**
     * Gives the pages of a waiting chunk back to the OS while keeping its addresses mapped, for
     * chunks a live scope can still reach (so they cannot be unmapped or reused yet): pinning
     * then costs address space, not memory. The chunk reads zero afterwards and is unmapped
     * when freed.
     *
     * @return pages given back; 0 if the chunk was not waiting or the source cannot purge
     */
    public long purge(Chunk chunk) {
        PagePool pool = chunk.pool();
        if (!pool.beginPurge(chunk)) {
            return 0;
        }
        boolean purged = false;
        try {
            purged = source.purge(chunk.address(), chunk.byteSize());
        } finally {
            if (!purged) {
                // madvise refused (or threw): the memory is still held; undo the booking, and
                // unmap the chunk if it was freed meanwhile and left to us.
                if (pool.abortPurge(chunk)) {
                    unmap(chunk);
                }
            }
        }
        if (!purged) {
            return 0;
        }
        changeHeld(-chunk.byteSize());
        if (pool.endPurge(chunk)) {
            source.unmap(chunk.address(), chunk.byteSize());
        }
        return chunk.nrPages();
    }

    /** Whether {@link #purge} can give pages back with this source. */
    public boolean canPurge() {
        return source.canPurge();
    }

    /**
     * Gives pooled chunks back to the OS, largest classes first, until {@code nrPages} pages
     * were freed or the pools are empty.
     *
     * @return pages given back
     */
    public long shrinkPools(long nrPages) {
        long freed = 0;
        for (int i = pools.length - 1; i >= 0 && freed < nrPages; i--) {
            Chunk chunk;
            while (freed < nrPages && (chunk = pools[i].takeForRelease()) != null) {
                unmap(chunk);
                freed += chunk.nrPages();
            }
        }
        return freed;
    }

    /**
     * One idle-decay tick over every pool (see {@link IdleDecay}): gives back the pooled
     * chunks that have been unused long enough.
     *
     * @return pages given back
     */
    public long decay(IdleDecay decay) {
        long freed = 0;
        RuntimeException failure = null;
        for (PagePool pool : pools) {
            for (Chunk chunk : pool.takeIdle(decay)) {
                try {
                    unmap(chunk);
                    freed += chunk.nrPages();
                } catch (RuntimeException e) { // munmap refused (vm.max_map_count): go on with the rest
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return freed;
    }

    /** Pooled pages of every class: what {@link #scan} can give back. */
    @Override
    public long count() {
        long pages = 0;
        for (PagePool pool : pools) {
            pages += pool.pooledPages();
        }
        return pages;
    }

    /** Gives pooled chunks back to the OS: {@link #shrinkPools}. */
    @Override
    public long scan(long nrToScan) {
        return shrinkPools(Checks.requireNonNegative(nrToScan, "nrToScan"));
    }

    /**
     * Takes a consistent snapshot of every pool: all pool locks are held at once.
     *
     * @return one entry per size class, then the huge chunks (chunk size 0)
     */
    public List<PagePool.PoolStats> snapshot() {
        return snapshot(stats -> stats);
    }

    /**
     * Takes {@link #snapshot()} and hands it to {@code whileLocked} before the pools' locks
     * are released, so what it reads elsewhere (chunks waiting in generations, which only move
     * between allocated and waiting without the locks) is read against pools that cannot
     * change meanwhile.
     *
     * @return what {@code whileLocked} returns
     */
    public <T> T snapshot(java.util.function.Function<List<PagePool.PoolStats>, T> whileLocked) {
        List<PagePool.PoolStats> stats = new ArrayList<>(pools.length + 1);
        for (PagePool pool : pools) {
            pool.lock();
        }
        huge.lock();
        try {
            for (PagePool pool : pools) {
                stats.add(pool.statsLocked());
            }
            stats.add(huge.statsLocked());
            return whileLocked.apply(stats);
        } finally {
            huge.unlock();
            for (int i = pools.length - 1; i >= 0; i--) {
                pools[i].unlock();
            }
        }
    }

    private Chunk mapHuge(long byteSize) {
        if (!reserveBudget(byteSize)) {
            return null;
        }
        long address = mapOrUndo(byteSize);
        Chunk chunk = new Chunk(address, byteSize, byteSize / classes.pageSize(), huge, freeAction);
        huge.addFresh(chunk, null, 0, 0);
        return chunk;
    }

    private Chunk mapFresh(PagePool pool) {
        Chunk[] chunks = mapSlab(pool, slabChunks(pool.chunkByteSize()));
        if (chunks == null) {
            return null;
        }
        pool.addFresh(chunks[0], chunks, 1, chunks.length);
        return chunks[0];
    }

    /** Maps up to {@code wanted} chunks (at least one slab's worth) straight into the pool. */
    private int mapFreshIntoPool(PagePool pool, long wanted) {
        int count = (int) Math.min(slabChunks(pool.chunkByteSize()), Math.max(1, wanted));
        if (heldBytes.get() + count * pool.chunkByteSize() > maxBytes / 2) {
            return 0;
        }
        Chunk[] chunks = mapSlab(pool, count);
        if (chunks == null) {
            return 0;
        }
        pool.addFresh(null, chunks, 0, chunks.length);
        return chunks.length;
    }

    private int slabChunks(long chunkBytes) {
        return source.canUnmapPartially()
                ? (int) Math.max(1, Math.min(CHUNKS_PER_SLAB, SLAB_BYTES / chunkBytes)) : 1;
    }

    /** Maps one slab of up to {@code count} chunks of the pool's class; null at the budget. */
    private Chunk[] mapSlab(PagePool pool, int count) {
        long chunkBytes = pool.chunkByteSize();
        if (!reserveBudget(count * chunkBytes)) {
            if (count == 1 || !reserveBudget(chunkBytes)) {
                return null;
            }
            count = 1; // near the budget: one chunk may still fit
        }
        long address = mapOrUndo(count * chunkBytes);
        long nrPages = chunkBytes / classes.pageSize();
        Chunk[] chunks = new Chunk[count];
        for (int i = 0; i < count; i++) {
            chunks[i] = new Chunk(address + i * chunkBytes, chunkBytes, nrPages, pool, freeAction);
        }
        return chunks;
    }

    private long mapOrUndo(long byteSize) {
        try {
            return source.map(byteSize, populate, hugePages);
        } catch (RuntimeException e) {
            changeHeld(-byteSize);
            throw e;
        }
    }

    private boolean reserveBudget(long byteSize) {
        long held;
        do {
            held = heldBytes.get();
            if (held + byteSize > maxBytes || held + byteSize < 0) {
                return false;
            }
        } while (!heldBytes.compareAndSet(held, held + byteSize));
        heldListener.accept(byteSize);
        return true;
    }

    /**
     * Unmaps a chunk its pool booked as released and takes its bytes out of the budget, even
     * if {@code munmap} throws (the pool no longer has the chunk: a budget that kept counting it
     * would drift with every failure). The failure still reaches the caller, which counts it.
     */
    private void unmap(Chunk chunk) {
        try {
            source.unmap(chunk.address(), chunk.byteSize());
        } finally {
            changeHeld(-chunk.byteSize());
        }
    }

    private void changeHeld(long delta) {
        heldBytes.addAndGet(delta);
        heldListener.accept(delta);
    }
}
