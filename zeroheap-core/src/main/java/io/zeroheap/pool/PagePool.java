package io.zeroheap.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The zeroed chunks of one size class (the series' {@code drm_page_pool}), with the page
 * accounting of every chunk of that class wherever it is.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards the stack of pooled chunks and every
 * counter; it is held for a few field writes, never across zeroing or a system call.
 * Allocating threads take it; the free worker does not: it hands zeroed chunks back through a
 * lock-free {@link ReturnStack}, which the next allocation (or snapshot) that holds the lock
 * moves onto the stack, booking them pooled then. Until then they count as pending. A JFR
 * profile of the sustained 4 KiB benchmark showed the worker's and the allocator's
 * acquisitions of one shared lock as the hottest code; this split removes them.
 *
 * <p>A chunk's {@link Chunk.State state} changes under the lock, except a pending chunk's: the
 * worker (PENDING to RETURNED) and a purger (PENDING to PURGING) race for it by CAS, so a
 * purged chunk is never pooled and a pooled chunk never purged. {@link PoolSet} takes all pool
 * locks at once, in index order, for a consistent snapshot.
 */
public final class PagePool {

    private static final VarHandle POOLED_PAGES;
    private static final VarHandle PENDING_PAGES;
    private static final VarHandle CHUNK_STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            POOLED_PAGES = lookup.findVarHandle(PagePool.class, "pooledPages", long.class);
            PENDING_PAGES = lookup.findVarHandle(PagePool.class, "pendingPages", long.class);
            CHUNK_STATE = MethodHandles.privateLookupIn(Chunk.class, lookup)
                    .findVarHandle(Chunk.class, "state", Chunk.State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Refills of other pools that found this one empty; counted without the lock. */
    private final AtomicLong transferShortfall = new AtomicLong();
    private final ReturnStack returned = new ReturnStack();
    private final long chunkByteSize;
    private final int classIndex;
    private final long pageSize;
    private final long capPages;

    // Guarded by lock.
    private Chunk[] stack = new Chunk[16];
    private int pooledChunks;
    private long pooledPages;
    private long allocatedPages;
    private long pendingPages;
    private long reservedPages;
    private long purgedPages;
    private long allocatedChunks;
    private long hits;
    private long misses;
    private long demandSinceRefill;
    private long zeroedFrees;
    private long releasedFrees;
    private long pressureFrees;
    /** The fewest chunks the stack held since the last {@link #takeIdle} (idle decay). */
    private long lowWaterChunks;
    private IdleDecay.History idleHistory;

    /**
     * @param chunkByteSize the class size in bytes, or 0 for the pool of huge chunks (which
     *                      pools nothing)
     * @param classIndex    the index of the class in its {@link SizeClasses}, -1 for huge chunks
     * @param pageSize      the page size in bytes
     * @param capBytes      pooled bytes above which freed chunks go back to the OS
     */
    PagePool(long chunkByteSize, int classIndex, long pageSize, long capBytes) {
        this.chunkByteSize = chunkByteSize;
        this.classIndex = classIndex;
        this.pageSize = pageSize;

        this.capPages = chunkByteSize == 0 ? 0 : capBytes / pageSize;
    }

    /** Returns the class size in bytes (0 for huge chunks). */
    public long chunkByteSize() {
        return chunkByteSize;
    }

    /** Returns the index of the class in its {@link SizeClasses}, -1 for huge chunks. */
    public int classIndex() {
        return classIndex;
    }

    /**
     * Pops a zeroed chunk and books it allocated (a hit), or returns null, booking a miss if
     * {@code countMiss} (so an allocation that tries again counts one miss).
     */
    Chunk pop(boolean countMiss) {
        return pop(countMiss, true);
    }

    /**
     * Pops a zeroed chunk and books it allocated, counting a hit if {@code countHit}, or
     * returns null, counting a miss if {@code countMiss}.
     */
    Chunk pop(boolean countMiss, boolean countHit) {
        lock.lock();
        try {
            return popLocked(countMiss, countHit);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pops a zeroed chunk to move it to another pool, booked allocated but counted neither as
     * a hit nor a miss, if one is pooled and the lock is free at once; else null. Never blocks.
     */
    Chunk tryPopForTransfer() {
        if (!lock.tryLock()) {
            return null;
        }
        try {
            return popLocked(false, false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Books a refill that found no chunk here ({@link #tryPopForTransfer}); {@link #takeDemand}
     * asks for it. Lock-free.
     */
    void countTransferShortfall() {
        transferShortfall.incrementAndGet();
    }

    private Chunk popLocked(boolean countMiss, boolean countHit) {
        if (pooledChunks == 0 && takeReturnedLocked() == 0) {
            if (countMiss) {
                misses++;
            }
            return null;
        }
        Chunk chunk = stack[--pooledChunks];
        stack[pooledChunks] = null;
        if (pooledChunks < lowWaterChunks) {
            lowWaterChunks = pooledChunks;
        }
        pooledPages -= chunk.nrPages();
        allocatedPages += chunk.nrPages();
        allocatedChunks++;
        chunk.state = Chunk.State.ALLOCATED;
        if (countHit) {
            hits++;
        }
        return chunk;
    }

    /**
     * Books an allocation that found the pool empty while chunks of this class were pending
     * and zeroed one itself: the pool was one chunk short, and {@link #takeDemand} asks for it.
     */
    void countShortfall() {
        lock.lock();
        try {
            demandSinceRefill++;
        } finally {
            lock.unlock();
        }
    }

    /** Books a miss of an allocation this pool cannot serve (huge chunks are never pooled). */
    void countMiss() {
        lock.lock();
        try {
            misses++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Books fresh chunks from the OS (they read zero): {@code allocated}, if not null, is
     * handed out, and {@code pooled[from..to)} go into the pool.
     */
    void addFresh(Chunk allocated, Chunk[] pooled, int from, int to) {
        lock.lock();
        try {
            if (allocated != null) {
                reservedPages += allocated.nrPages();
                allocatedPages += allocated.nrPages();
                allocatedChunks++;
                allocated.state = Chunk.State.ALLOCATED;
            }
            for (int i = from; i < to; i++) {
                reservedPages += pooled[i].nrPages();
                pushLocked(pooled[i]);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many chunks the pool should gain: one per allocation since the last call
     * that found it short (misses that mapped fresh memory already grew the pool), at most
     * what fits under the cap; resets the count.
     */
    long takeDemand() {
        lock.lock();
        try {
            long demand = demandSinceRefill + transferShortfall.getAndSet(0);
            demandSinceRefill = 0;
            if (demand == 0 || chunkByteSize == 0) {
                return 0;
            }
            long chunkPages = chunkByteSize / pageSize;
            long room = capPages / chunkPages - (pooledPages + returned.pagesEstimate()) / chunkPages;
            return Math.max(0, Math.min(demand, room));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Books a chunk that its user let go of: allocated becomes pending (awaiting zeroing).
     *
     * @throws IllegalStateException if the chunk is not allocated (a double free)
     */
    void markPending(Chunk chunk) {
        lock.lock();
        try {
            if (chunk.state != Chunk.State.ALLOCATED) {
                throw new IllegalStateException(chunk + ": " + chunk.state + " (expected: ALLOCATED)");
            }
            chunk.state = Chunk.State.PENDING;
            allocatedPages -= chunk.nrPages();
            allocatedChunks--;
            pendingPages += chunk.nrPages();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks an allocated chunk as waiting for its buffer generation to retire (its buffer's
     * last close). One CAS, no lock: the chunk stays booked allocated here.
     *
     * @throws IllegalStateException if the chunk is not allocated (a double free)
     */
    void markWaiting(Chunk chunk) {
        if (!CHUNK_STATE.compareAndSet(chunk, Chunk.State.ALLOCATED, Chunk.State.WAITING)) {
            throw new IllegalStateException(chunk + ": " + chunk.state + " (expected: ALLOCATED)");
        }
    }

    /**
     * Takes a waiting chunk back as allocated, its generation retired, racing a purger for it.
     *
     * @return false if a purger took it first (it is PURGING or PURGED)
     */
    boolean claimWaiting(Chunk chunk) {
        return CHUNK_STATE.compareAndSet(chunk, Chunk.State.WAITING, Chunk.State.ALLOCATED);
    }

    /**
     * Whether a pending chunk would fit under the cap (checked before zeroing it); false for a
     * purged chunk, which is never zeroed or pooled. Reads without the lock, so concurrent
     * freers may each see room: the pool can exceed its cap by one chunk per freer running at
     * once (the worker plus threads helping it).
     */
    boolean hasRoom(Chunk chunk) {
        return CHUNK_STATE.getOpaque(chunk) == Chunk.State.PENDING && hasRoomFor(chunk);
    }

    /** Whether a chunk of this class would fit under the cap now (an estimate, no lock). */
    boolean hasRoomFor(Chunk chunk) {
        return (long) POOLED_PAGES.getOpaque(this) + returned.pagesEstimate() + chunk.nrPages() <= capPages;
    }

    /** Returns the most pages this pool keeps. */
    long capPages() {
        return capPages;
    }

    /** Returns the pending pages of this class, read without the lock (an estimate). */
    long pendingPagesEstimate() {
        return (long) PENDING_PAGES.getOpaque(this);
    }


    /**
     * Hands a zeroed pending chunk back to the pool without taking the lock; it is booked
     * pooled when an allocating thread next takes the lock.
     *
     * @return false (nothing changed) if the chunk was purged meanwhile
     */
    boolean offerZeroed(Chunk chunk) {
        if (!CHUNK_STATE.compareAndSet(chunk, Chunk.State.PENDING, Chunk.State.RETURNED)) {
            return false;
        }
        returned.push(chunk);
        return true;
    }

    /** Moves returned chunks onto the stack and books them pooled; returns how many. */
    private int takeReturnedLocked() {
        int count = 0;
        for (Chunk chunk = returned.takeAll(); chunk != null; ) {
            Chunk next = chunk.nextReturned;
            chunk.nextReturned = null;
            pendingPages -= chunk.nrPages();
            pushLocked(chunk);
            zeroedFrees++;
            count++;
            chunk = next;
        }
        return count;
    }

    /** What the freeing thread must do after {@link #releasePending}. */
    enum Release {
        /** Unmap the chunk and give its bytes back to the budget. */
        UNMAP,
        /** Unmap the chunk; its bytes left the budget when it was purged. */
        UNMAP_PURGED,
        /** Nothing: a purge is running and its thread unmaps the chunk when done. */
        LEFT_TO_PURGER
    }

    /**
     * Books a pending (or purged) chunk as given back to the OS: because of memory pressure,
     * or because the pool was full.
     */
    Release releasePending(Chunk chunk, boolean underPressure) {
        lock.lock();
        try {
            if (underPressure) {
                pressureFrees++;
            } else {
                releasedFrees++;
            }
            switch (chunk.state) {
                case PURGING -> {
                    chunk.unmapWhenPurged = true;
                    return Release.LEFT_TO_PURGER;
                }
                case PURGED -> {
                    purgedPages -= chunk.nrPages();
                    chunk.state = Chunk.State.RELEASED;
                    return Release.UNMAP_PURGED;
                }
                case WAITING -> { // a purge gave it back to its generation: still booked allocated
                    allocatedPages -= chunk.nrPages();
                    allocatedChunks--;
                    reservedPages -= chunk.nrPages();
                    chunk.state = Chunk.State.RELEASED;
                    return Release.UNMAP;
                }
                default -> {
                    pendingPages -= chunk.nrPages();
                    reservedPages -= chunk.nrPages();
                    chunk.state = Chunk.State.RELEASED;
                    return Release.UNMAP;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts purging a waiting chunk: books its pages as given back to the OS (they are, once
     * the caller's {@code madvise} returns) and keeps its addresses.
     *
     * @return false (nothing booked) if the chunk is not waiting
     */
    boolean beginPurge(Chunk chunk) {
        lock.lock();
        try {
            if (!CHUNK_STATE.compareAndSet(chunk, Chunk.State.WAITING, Chunk.State.PURGING)) {
                return false;
            }
            allocatedPages -= chunk.nrPages();
            allocatedChunks--;
            reservedPages -= chunk.nrPages();
            purgedPages += chunk.nrPages();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Undoes {@link #beginPurge} when the pages could not be given back: the chunk is waiting
     * again, or, if it was freed meanwhile, released.
     *
     * @return true if the chunk was freed meanwhile and the caller must now unmap it
     */
    boolean abortPurge(Chunk chunk) {
        lock.lock();
        try {
            purgedPages -= chunk.nrPages();
            if (chunk.unmapWhenPurged) {
                chunk.unmapWhenPurged = false;
                chunk.state = Chunk.State.RELEASED;
                return true; // booked released already: pending and reserved were taken off
            }
            allocatedPages += chunk.nrPages();
            allocatedChunks++;
            reservedPages += chunk.nrPages();
            chunk.state = Chunk.State.WAITING;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends a purge.
     *
     * @return true if the chunk was freed meanwhile and the caller must now unmap it
     */
    boolean endPurge(Chunk chunk) {
        lock.lock();
        try {
            if (chunk.unmapWhenPurged) {
                chunk.unmapWhenPurged = false;
                purgedPages -= chunk.nrPages();
                chunk.state = Chunk.State.RELEASED;
                return true;
            }
            chunk.state = Chunk.State.PURGED;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One idle-decay tick: takes the chunks that {@code decay} says have been idle long enough
     * off the bottom of the stack (the longest unused), booked released, for the caller to
     * unmap; then starts a new interval.
     *
     * @return the chunks to give back; empty if none
     */
    Chunk[] takeIdle(IdleDecay decay) {
        lock.lock();
        try {
            takeReturnedLocked();
            if (idleHistory == null) {
                idleHistory = decay.newHistory();
            }
            int release = (int) idleHistory.endInterval(Math.min(lowWaterChunks, pooledChunks), pooledChunks);
            Chunk[] taken = Arrays.copyOf(stack, release);
            System.arraycopy(stack, release, stack, 0, pooledChunks - release);
            Arrays.fill(stack, pooledChunks - release, pooledChunks, null);
            pooledChunks -= release;
            for (Chunk chunk : taken) {
                pooledPages -= chunk.nrPages();
                reservedPages -= chunk.nrPages();
                chunk.state = Chunk.State.RELEASED;
            }
            lowWaterChunks = pooledChunks;
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a pooled chunk to give back to the OS, booked released; null if none. */
    Chunk takeForRelease() {
        lock.lock();
        try {
            if (pooledChunks == 0 && takeReturnedLocked() == 0) {
                return null;
            }
            Chunk chunk = stack[--pooledChunks];
            stack[pooledChunks] = null;
            if (pooledChunks < lowWaterChunks) {
                lowWaterChunks = pooledChunks;
            }
            pooledPages -= chunk.nrPages();
            reservedPages -= chunk.nrPages();
            chunk.state = Chunk.State.RELEASED;
            return chunk;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the pooled pages, returned ones included, read without the lock (an estimate
     * under concurrency).
     */
    long pooledPages() {
        return (long) POOLED_PAGES.getOpaque(this) + returned.pagesEstimate();
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Books returned chunks, then reads the counters; caller holds the lock. */
    PoolStats statsLocked() {
        takeReturnedLocked();
        return new PoolStats(chunkByteSize, pooledChunks, allocatedChunks, pooledPages, allocatedPages,
                pendingPages, reservedPages, purgedPages, hits, misses, zeroedFrees, releasedFrees, pressureFrees);
    }

    private void pushLocked(Chunk chunk) {
        if (pooledChunks == stack.length) {
            stack = Arrays.copyOf(stack, stack.length * 2);
        }
        stack[pooledChunks++] = chunk;
        pooledPages += chunk.nrPages();
        chunk.state = Chunk.State.POOLED;
    }

    /**
     * The counters of one pool at one instant.
     *
     * @param chunkByteSize   the class size in bytes (0: huge chunks)
     * @param pooledChunks    zeroed chunks ready to hand out
     * @param allocatedChunks chunks in use
     * @param pooledPages     pages of the pooled chunks
     * @param allocatedPages  pages of the chunks in use
     * @param pendingPages    pages freed by their users and not yet zeroed or released
     * @param reservedPages   pages of this class held from the OS
     * @param purgedPages     pages of freed chunks given back to the OS whose addresses stay
     *                        mapped because a live scope can still reach them
     * @param hits            allocations served from the pool
     * @param misses          allocations that found the pool empty
     * @param zeroedFrees     freed chunks zeroed and pooled ({@code NORMAL})
     * @param releasedFrees   freed chunks given back to the OS because the pool was full
     *                        ({@code NORMAL})
     * @param pressureFrees   freed chunks given back to the OS unzeroed ({@code UNDER_PRESSURE})
     */
    public record PoolStats(long chunkByteSize, long pooledChunks, long allocatedChunks, long pooledPages,
                            long allocatedPages, long pendingPages, long reservedPages, long purgedPages,
                            long hits, long misses,
                            long zeroedFrees, long releasedFrees, long pressureFrees) {
    }
}
