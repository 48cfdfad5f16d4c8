package io.zeroheap.free;

import io.zeroheap.DeferredFreeList;
import io.zeroheap.FreeReason;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.scope.Generation;
import io.zeroheap.scope.Generations;
import io.zeroheap.scope.Lease;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A heap's freeing path: where chunks go once no live segment needs them. A {@code HeapBuffer}'s
 * chunk waits in its generation until the generation's shared scope can be closed
 * ({@link #release}, {@link #retire}); a heap arena's chunks are reachable by nothing once
 * the arena is closed ({@link #releaseArenaChunks}). Either way the chunks go to the deferred
 * free list, or, on a heap that frees synchronously (no list), are freed on the calling thread.
 * Every chunk's free action is {@link #freeChunk}, which ends in {@link PoolSet#free}.
 *
 * <p>Thread-safety: every method may be called from any thread, at once; the worker, helping
 * allocators, shrinker scans, drains and the closing thread all run free actions here. It
 * holds no lock: the pools, the generations and the free list guard their own state, and the
 * counters are atomics, each event counted once. {@code retirementsInFlight} goes up before a
 * retirement is deferred or run and down once it has finished (freed its chunks, or been put
 * off for a retry), so the heap's {@code drain()} can go round until none is in flight.
 */
public final class ChunkRecycler {

    private final PoolSet pools;
    private final Generations generations;
    /** Null on a heap that frees synchronously. */
    private final DeferredFreeList freeList;
    private final BooleanSupplier heapClosed;
    private final AtomicLong scopeCloseRetries = new AtomicLong();
    /** Generations handed to retirement whose retirement has not finished; for drain(). */
    private final AtomicLong retirementsInFlight = new AtomicLong();
    private final AtomicLong syncFailedFrees = new AtomicLong();
    /** Where a retired buffer's chunk goes first; null for none. */
    private final Reuse reuse;

    /** Takes a retired buffer's chunk for reuse where it was last used. */
    public interface Reuse {
        /**
         * Takes a chunk whose generation retired, freed {@code NORMAL}ly; it is booked
         * allocated by its pool.
         *
         * @return true if taken; false to free it the normal way
         */
        boolean take(Chunk chunk);
    }

    /**
     * @param pools       the heap's pools, where every freed chunk goes
     * @param generations the heap's buffer generations
     * @param freeList    the heap's deferred free list; null to free on the calling thread
     * @param heapClosed  whether the heap is closed (then every free gives the memory back)
     * @param reuse       where retired buffers' chunks go first (the CPU pools); null for none
     */
    public ChunkRecycler(PoolSet pools, Generations generations, DeferredFreeList freeList,
                         BooleanSupplier heapClosed, Reuse reuse) {
        this.reuse = reuse;
        this.pools = pools;
        this.generations = generations;
        this.freeList = freeList;
        this.heapClosed = heapClosed;
    }

    /**
     * The last reference of a buffer is gone: marks its chunk waiting (lock-free; the buffer
     * generations count it as pending) and, if it was the last live buffer of a sealed
     * generation, retires the generation.
     */
    public void release(Chunk chunk, Lease lease) {
        chunk.releaseCpu = io.zeroheap.os.Cpus.current();
        pools.markWaiting(chunk);
        if (lease.release(chunk)) {
            generations.retired(lease.generation());
        }
    }

    /**
     * A generation has no live buffer and is sealed: close its scope, then free its chunks;
     * deferred to the worker when frees are deferred. The retire action of the heap's
     * {@link Generations}.
     */
    public void retire(Generation generation) {
        if (freeList == null) {
            retirementsInFlight.incrementAndGet();
            retireNow(generation, FreeReason.NORMAL); // lowers the count again, whatever happens
            return;
        }
        Retirement retirement = new Retirement(generation);
        retirementsInFlight.incrementAndGet();
        try {
            freeList.defer(retirement);
        } catch (RuntimeException | Error e) { // not deferred (a closed list): nobody will lower it
            retirementsInFlight.decrementAndGet();
            throw e;
        }
    }

    private void retireNow(Generation generation, FreeReason reason) {
        try {
            long start = System.nanoTime();
            boolean closed = generation.tryCloseScope();
            generations.recordClose(System.nanoTime() - start);
            if (closed) {
                try {
                    freeWaiting(generation.takeWaiting(), reason);
                } finally {
                    generations.finished(generation);
                }
            } else {
                scopeCloseRetries.incrementAndGet();
                generations.retryLater(generation); // a stale segment is in a downcall: later
            }
        } finally {
            retirementsInFlight.decrementAndGet();
        }
    }

    /**
     * The deferred retirement of a generation. It closes a shared scope (45-60 µs, a handshake
     * with every thread), so allocating threads that help the worker leave it alone. Its size
     * is the generation's joined chunks, estimated from counters: walking its waiting chunks
     * here, on the thread whose close retired the generation, cost that thread a pass over
     * thousands of chunk objects.
     */
    private final class Retirement extends DeferredFreeList.Item {
        Retirement(Generation generation) {
            super(generation.joinedBytesEstimate() / pools.classes().pageSize(),
                    (item, reason) -> retireNow(generation, reason));
        }

        @Override
        public boolean mayBeFreedByHelpers() {
            return false;
        }
    }

    /**
     * Frees every chunk of a waiting list ({@link Chunk#nextWaiting}); one that fails does not
     * stop the others.
     *
     * @throws RuntimeException the first free that failed, the later ones suppressed
     */
    public void freeWaiting(Chunk first, FreeReason reason) {
        RuntimeException failure = null;
        for (Chunk chunk = first; chunk != null; ) {
            Chunk next = chunk.nextWaiting;
            chunk.nextWaiting = null;
            try {
                if (!pools.claimWaiting(chunk)) {
                    freeChunk(chunk, reason); // purged while it waited: unmapped, never pooled
                    chunk = next;
                    continue;
                }
                if (reason == FreeReason.NORMAL && reuse != null && !heapClosed.getAsBoolean() && reuse.take(chunk)) {
                    chunk = next;
                    continue;
                }
                pools.markPending(chunk);
                freeChunk(chunk, reason);
            } catch (RuntimeException e) {
                failure = recordSyncFailure(failure, e);
            }
            chunk = next;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Counts a failed free where no deferred free list counts it (on a synchronous heap), and
     * keeps the first failure to rethrow once the other chunks are freed.
     */
    private RuntimeException recordSyncFailure(RuntimeException first, RuntimeException e) {
        if (freeList == null) {
            syncFailedFrees.incrementAndGet();
        }
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }

    /** The free action of every chunk; a closed heap gives everything straight back. */
    public void freeChunk(Chunk chunk, FreeReason reason) {
        pools.free(chunk, heapClosed.getAsBoolean() ? FreeReason.UNDER_PRESSURE : reason);
    }

    /**
     * Hands back the first {@code count} chunks of a closed heap arena (those its CPU pools did
     * not take): books them pending, then defers them, or frees them here on a synchronous heap.
     *
     * @throws RuntimeException on a synchronous heap, the first free that failed (the other
     *                          chunks are freed all the same; later failures suppressed)
     */
    public void releaseArenaChunks(Chunk[] chunks, int count) {
        for (int i = 0; i < count; i++) {
            pools.markPending(chunks[i]);
        }
        RuntimeException failure = null;
        for (int i = 0; i < count; i++) {
            if (freeList != null) {
                freeList.defer(chunks[i]);
            } else {
                try {
                    freeChunk(chunks[i], FreeReason.NORMAL);
                } catch (RuntimeException e) {
                    failure = recordSyncFailure(failure, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Returns how many generations were handed to retirement and have not finished it. */
    public long retirementsInFlight() {
        return retirementsInFlight.get();
    }

    /** Returns how many retirements were put off because a client held the scope. */
    public long scopeCloseRetries() {
        return scopeCloseRetries.get();
    }

    /** Returns how many chunk frees failed on the calling thread (synchronous heaps only). */
    public long syncFailedFrees() {
        return syncFailedFrees.get();
    }

}
