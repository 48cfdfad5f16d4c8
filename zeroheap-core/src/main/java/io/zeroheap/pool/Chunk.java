package io.zeroheap.pool;

import io.zeroheap.DeferredFreeList;

/**
 * One contiguous, page-aligned piece of memory of one size class: the unit that pools hold,
 * buffers and arenas use, and the deferred free list frees (a chunk is its own deferred item,
 * as in the seed, so freeing allocates nothing).
 *
 * <p>Thread-safety: the address and size are immutable; {@link #state} is guarded by the lock
 * of the chunk's {@link PagePool}; {@link #nextWaiting} is owned by whoever holds the chunk.
 */
public final class Chunk extends DeferredFreeList.Item {

    /**
     * Where a chunk is; transitions are booked under its pool's lock, except PENDING to
     * RETURNED (zeroed, handed back lock-free), and ALLOCATED to WAITING (a buffer's last close)
     * and back (its generation retired), which are CAS without the lock and race WAITING to
     * PURGING by CAS. WAITING chunks are booked allocated by their pool: the buffer
     * generations count them as pending. PURGING and PURGED are waiting chunks whose pages went
     * back to the OS while their addresses stay mapped (a live scope may still reach them); they
     * are unmapped, never pooled, when freed.
     */
    enum State { POOLED, ALLOCATED, WAITING, PENDING, RETURNED, PURGING, PURGED, RELEASED }

    private final long address;
    private final long byteSize;
    private final PagePool pool;
    /** Guarded by the pool's lock, but for the CAS transitions out of PENDING (see State). */
    volatile State state;
    /** Link in the pool's {@link ReturnStack}; written before the publishing CAS. */
    Chunk nextReturned;
    /** Guarded by the pool's lock: freed while PURGING, so the purger unmaps it when done. */
    boolean unmapWhenPurged;
    /**
     * Link in a generation's waiting list: written by the releasing thread before the CAS that
     * publishes the chunk, read by the retiring thread, and walked racily by the pinned-chunk
     * purger (which claims a chunk only under its pool's lock).
     */
    public Chunk nextWaiting;
    /**
     * Link in a CPU pool's stacks (see {@code io.zeroheap.percpu.CpuPool}): written by the
     * pushing thread before the publishing CAS, read by whoever took the chunk off.
     */
    public Chunk nextLocal;
    /**
     * Whether a user's bytes may be in the chunk, so it must be zeroed before it is handed out
     * again; kept by CPU pools. Written by whoever holds the chunk and published by the CAS or
     * lock that hands it on.
     */
    public boolean dirty;
    /**
     * Set on a chunk an idle zeroer took from the shared pools to refill a CPU pool, until the
     * CPU pool starts counting it; published as {@link #dirty} is.
     */
    public boolean adopted;
    /** The CPU a buffer's last close ran on, where its chunk goes once its generation retires; -1 if unknown. */
    public int releaseCpu = -1;

    Chunk(long address, long byteSize, long nrPages, PagePool pool, DeferredFreeList.FreeAction action) {
        super(nrPages, action);
        this.address = address;
        this.byteSize = byteSize;
        this.pool = pool;
    }

    /** Returns the native base address, aligned to the page size. */
    public long address() {
        return address;
    }

    /** Returns the size in bytes (the size class, or whole pages for a huge chunk). */
    public long byteSize() {
        return byteSize;
    }

    /**
     * Returns whether this chunk waits for its buffer generation to retire with its memory
     * still held (not purged). A racy read, for estimates and walks.
     */
    public boolean isWaiting() {
        return state == State.WAITING;
    }

    /** Returns the index of the chunk's size class, or -1 for a huge chunk. */
    public int classIndex() {
        return pool.classIndex();
    }

    /** Returns the pool that books this chunk. */
    public PagePool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "Chunk[0x" + Long.toHexString(address) + ", " + byteSize + " bytes]";
    }
}
