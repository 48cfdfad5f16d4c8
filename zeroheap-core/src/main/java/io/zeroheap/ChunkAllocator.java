package io.zeroheap;

import io.zeroheap.observe.Events;
import io.zeroheap.observe.PoolMissEvent;
import io.zeroheap.observe.ShrinkEvent;
import io.zeroheap.os.MemoryRefusedException;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.pool.PoolTotals;
import io.zeroheap.scope.Generations;
import io.zeroheap.util.ByteSizes;
import io.zeroheap.util.Checks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link SystemHeap}'s allocation path and its reclaim. {@link #allocate} pops a zeroed
 * chunk from its size class's pool; on a miss, frees pending chunks of that class itself
 * when there are some ({@link DeferredFreeList#help}) and retries; else takes fresh memory;
 * and when the budget or the OS refuses, {@link #reclaim}s through the heap's shrinkers and
 * retries before throwing {@link HeapOutOfMemoryError} (DESIGN rules 4 and 5). The heap
 * checks that it is open first, and the size with {@link #requireValidSize}.
 *
 * <p>Thread-safety: every method may be called from any thread, at once. It holds no lock and
 * no state of its own but its event counters (atomics, each event counted once); the pools,
 * the free list and the shrinkers guard their own state.
 */
final class ChunkAllocator {

    /** Above this a size cannot be meant (the x86-64 user address space is 128 TiB). */
    private static final long MAX_BYTE_SIZE = 1L << 47;

    private final String name;
    private final PoolSet pools;
    private final Generations generations;
    /** Null on a heap that frees synchronously. */
    private final DeferredFreeList freeList;
    private final Shrinkers shrinkers;
    private final Reclaimer reclaimer;
    private final boolean refillPools;
    /** Generations handed to retirement and not retired yet (one may be running). */
    private final LongSupplier retirementsInFlight;
    private final AtomicLong shrinkCalls = new AtomicLong();
    private final AtomicLong shrunkPages = new AtomicLong();
    private final AtomicLong allocationFailures = new AtomicLong();
    private final AtomicLong selfZeroed = new AtomicLong();

    /**
     * @param name        the heap's name, for events and messages
     * @param pools       the heap's pools and budget
     * @param generations the heap's buffer generations (sealed before reclaiming)
     * @param freeList    the heap's deferred free list; null if it frees synchronously
     * @param shrinkers   the heap's own shrinkers, asked by {@link #reclaim}
     * @param reclaimer   told before fresh memory is taken; asks every heap after a refusal
     * @param refillPools whether a shortfall asks the idle worker to refill the pool
     */
    ChunkAllocator(String name, PoolSet pools, Generations generations, DeferredFreeList freeList,
                   Shrinkers shrinkers, Reclaimer reclaimer, boolean refillPools, LongSupplier retirementsInFlight) {
        this.retirementsInFlight = retirementsInFlight;
        this.name = name;
        this.pools = pools;
        this.generations = generations;
        this.freeList = freeList;
        this.shrinkers = shrinkers;
        this.reclaimer = reclaimer;
        this.refillPools = refillPools;
    }

    /**
     * Returns a zeroed chunk of at least {@code byteSize} bytes, booked allocated.
     *
     * @throws HeapOutOfMemoryError if none can be had within the budget, or the OS refuses,
     *                              even after reclaiming what the shrinkers could
     */
    Chunk allocate(long byteSize) {
        Chunk chunk = pools.allocatePooled(byteSize);
        if (chunk != null) {
            return chunk;
        }
        PoolMissEvent event = Events.startPoolMiss();
        long chunkPages = pools.chunkPages(byteSize);
        if (freeList != null && pools.hasPending(byteSize)) {
            generations.sealIfWaitingAndOld();
            freeList.help(chunkPages, retirementsBehind());
            chunk = pools.retryPooled(byteSize);
            if (chunk != null) {
                if (pools.recordShortfall(byteSize) && refillPools) {
                    freeList.requestIdleAction(); // the worker refills the pool when it is idle
                }
                selfZeroed.incrementAndGet();
                return missed(event, byteSize, chunk, PoolMissEvent.SELF_ZEROED);
            }
        }
        MemoryRefusedException refused = null;
        try {
            reclaimer.beforeFreshMemory(chunkPages * pools.classes().pageSize());
            chunk = pools.allocateFresh(byteSize);
        } catch (MemoryRefusedException e) {
            refused = e;
        }
        if (chunk != null) {
            return missed(event, byteSize, chunk, PoolMissEvent.FRESH);
        }
        // Reclaim what brings the heap back under its budget with room for this chunk (other
        // threads may take some of it meanwhile), then, if that was not enough, everything.
        long pageSize = pools.classes().pageSize();
        long deficitPages = Math.max(0, pools.heldBytes() - pools.maxBytes()) / pageSize + chunkPages;
        boolean askedEverywhere = false;
        for (long target : new long[] {2 * deficitPages, Long.MAX_VALUE}) {
            if (refused != null && !askedEverywhere) {
                // The OS is short, not the budget: what every heap holds may help (rule 5).
                reclaimer.reclaimAfterRefusal();
                askedEverywhere = true;
            }
            reclaim(target, "allocation");
            try {
                chunk = pools.retryPooled(byteSize);
                if (chunk == null) {
                    chunk = pools.allocateFresh(byteSize);
                }
            } catch (MemoryRefusedException e) {
                refused = e;
            }
            if (chunk != null) {
                return missed(event, byteSize, chunk, PoolMissEvent.RECLAIMED);
            }
        }
        allocationFailures.incrementAndGet();
        Events.poolMiss(event, name, byteSize, chunkPages * pageSize, PoolMissEvent.FAILED);
        PoolTotals totals = PoolTotals.of(pools.snapshot()); // the figures stats() would show
        long chunkBytes = chunkPages * pageSize;
        throw new HeapOutOfMemoryError("heap '" + name + "': cannot allocate " + ByteSizes.format(byteSize)
                + (chunkBytes != byteSize ? " (a " + ByteSizes.format(chunkBytes) + " chunk)" : "")
                + (refused != null ? ": the OS refused memory (" + refused.getMessage() + ")"
                        : ": budget " + (pools.maxBytes() == Long.MAX_VALUE ? "unlimited" : ByteSizes.format(pools.maxBytes()))
                        + " reached")
                + "; in use " + ByteSizes.format(totals.allocatedPages() * pageSize)
                + ", pooled " + ByteSizes.format(totals.pooledPages() * pageSize)
                + ", pending " + ByteSizes.format(totals.pendingPages() * pageSize)
                + ", held from the OS " + ByteSizes.format(totals.reservedPages() * pageSize)
                + ", after reclaiming what could be");
    }

    /**
     * Retires a queued buffer generation on the calling thread when the worker is behind on
     * them (two or more queued: one may be running on the worker), so that the chunks waiting
     * for retirements stay bounded when the worker gets no CPU; a buffer allocation served
     * from a CPU pool would otherwise never look. A read of a counter otherwise.
     */
    void helpIfRetirementsBehind(long byteSize) {
        if (freeList != null && retirementsBehind()) {
            freeList.help(pools.chunkPages(byteSize), true);
        }
    }

    /** Whether retirements wait for the worker: two or more queued (one may be running). */
    private boolean retirementsBehind() {
        return retirementsInFlight.getAsLong() >= 2;
    }

    /** Ends the pool-miss event of an allocation served by {@code servedBy}. */
    private Chunk missed(PoolMissEvent event, long byteSize, Chunk chunk, String servedBy) {
        Events.poolMiss(event, name, byteSize, chunk.byteSize(), servedBy);
        return chunk;
    }

    /**
     * Seals the current generation (its freed buffers become reclaimable), asks the shrinkers,
     * and if that fell short, waits for frees already running on the worker (they are about to
     * hand memory back) and asks again. Only the budget's edge and explicit shrinks get here,
     * never the pool path.
     *
     * @param nrPages the pages wanted back
     * @param source  who asks, for the shrink event ({@code shrink()} or {@code allocation})
     * @return the pages given back
     */
    long reclaim(long nrPages, String source) {
        pools.forgetDemand(); // memory is wanted back: no refill for what the pools missed before
        ShrinkEvent event = Events.startShrink();
        generations.sealIfWaiting();
        long freed = shrinkers.shrink(nrPages);
        if (freed < nrPages && freeList != null) {
            freeList.drain();
            freed += shrinkers.shrink(nrPages - freed);
        }
        shrinkCalls.incrementAndGet();
        shrunkPages.addAndGet(freed);
        Events.shrink(event, name, source, nrPages, freed);
        return freed;
    }

    /**
     * Checks that a chunk for {@code byteSize} bytes could ever fit in the budget.
     *
     * @throws IllegalArgumentException if {@code byteSize} is negative
     * @throws HeapOutOfMemoryError     if its size class is larger than the budget or the
     *                                  address space: no heap of this budget can serve it, as
     *                                  the JDK's arenas answer a size they cannot serve (the
     *                                  heap is unchanged; counted as a failed allocation)
     */
    void requireValidSize(long byteSize) {
        Checks.requireNonNegative(byteSize, "byteSize");
        if (byteSize <= MAX_BYTE_SIZE) {
            // A chunk wastes under a quarter of itself, so it is smaller than 4/3 of the size
            // rounded to pages: only sizes near the budget need the exact class lookup (a
            // binary search), which keeps it off the allocation fast path.
            long rounded = pools.classes().roundToPages(byteSize);
            if (rounded + rounded / 3 + pools.classes().pageSize() <= pools.maxBytes()) {
                return;
            }
        }
        if (byteSize > MAX_BYTE_SIZE || pools.chunkByteSize(byteSize) > pools.maxBytes()) {
            allocationFailures.incrementAndGet();
            throw new HeapOutOfMemoryError("heap '" + name + "': cannot allocate " + byteSize + " bytes: "
                    + (byteSize > MAX_BYTE_SIZE ? "more than the address space holds"
                            : "its " + ByteSizes.format(pools.chunkByteSize(byteSize)) + " chunk is larger than the budget "
                            + ByteSizes.format(pools.maxBytes()))
                    + ", so no allocation of it can ever succeed");
        }
    }

    /** Returns how many reclaims ran ({@link Heap#shrink} and the budget's edge). */
    long shrinkCalls() {
        return shrinkCalls.get();
    }

    /** Returns the pages those reclaims gave back. */
    long shrunkPages() {
        return shrunkPages.get();
    }

    /** Returns how many allocations threw {@link HeapOutOfMemoryError}. */
    long allocationFailures() {
        return allocationFailures.get();
    }

    /** Returns how many allocations freed a pending chunk themselves on a pool miss. */
    long selfZeroed() {
        return selfZeroed.get();
    }
}
