package io.zeroheap.free;

import io.zeroheap.DeferredFreeList;
import io.zeroheap.FreeReason;
import io.zeroheap.os.CpuCaches;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.scope.Generation;
import io.zeroheap.scope.Generations;

import java.util.OptionalLong;
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

    /**
     * The largest chunk a closing arena zeroes itself when the worker is behind, where the
     * CPU's level-2 cache size is unknown.
     */
    public static final long DEFAULT_ZERO_ON_FREE_MAX_BYTES = 256 << 10;
    private static final long MIN_ZERO_ON_FREE_MAX_BYTES = 64 << 10;
    private static final long MAX_ZERO_ON_FREE_MAX_BYTES = 4 << 20;
    /** The smallest chunk whose zeroing on close, while the worker idles, asks for a refill. */
    private static final long REFILL_ON_CLOSE_MIN_BYTES = 256 << 10;
    private static final System.Logger LOG = System.getLogger(ChunkRecycler.class.getName());

    private final PoolSet pools;
    private final Generations generations;
    /** Null on a heap that frees synchronously. */
    private final DeferredFreeList freeList;
    private final BooleanSupplier heapClosed;
    private final AtomicLong scopeCloseRetries = new AtomicLong();
    /** Generations handed to retirement whose retirement has not finished; for drain(). */
    private final AtomicLong retirementsInFlight = new AtomicLong();
    private final AtomicLong syncFailedFrees = new AtomicLong();
    private final AtomicLong zeroedOnFree = new AtomicLong();
    private final AtomicLong closeShortfalls = new AtomicLong();
    private final AtomicLong freerFailedFrees = new AtomicLong();
    /** The largest chunk zeroed on its closing thread when the worker is behind; 0: never. */
    private final long zeroOnFreeMaxBytes;
    /** Whether a chunk zeroed on its closing thread while the worker idles asks for a refill. */
    private final boolean refillPools;

    /**
     * @param pools       the heap's pools, where every freed chunk goes
     * @param generations the heap's buffer generations
     * @param freeList    the heap's deferred free list; null to free on the calling thread
     * @param heapClosed  whether the heap is closed (then every free gives the memory back)
     * @param zeroOnFreeMaxBytes the largest chunk of a closed arena zeroed on the closing
     *                    thread when the worker is behind on its class (see
     *                    {@link #releaseArenaChunks}); 0 for none
     * @param refillPools whether such a chunk, zeroed while the worker is idle, counts as a
     *                    shortfall of its pool, which the idle worker then refills
     */
    public ChunkRecycler(PoolSet pools, Generations generations, DeferredFreeList freeList,
                         BooleanSupplier heapClosed, long zeroOnFreeMaxBytes, boolean refillPools) {
        this.zeroOnFreeMaxBytes = zeroOnFreeMaxBytes;
        this.refillPools = refillPools;
        this.pools = pools;
        this.generations = generations;
        this.freeList = freeList;
        this.heapClosed = heapClosed;
    }

    /**
     * Returns the largest chunk, in bytes, worth zeroing on its closing thread on a CPU whose
     * level-2 cache holds {@code level2Bytes} per core: half of it (the chunk, and room for
     * what the thread works on), between 64 KiB and 4 MiB; {@value #DEFAULT_ZERO_ON_FREE_MAX_BYTES} bytes if
     * the size is unknown. A chunk that fits is still in the freer's cache when it is zeroed,
     * while the worker on the other core would pull every line across (here, 2 MiB of L2: a
     * cache-hot 1 MiB {@code memset} takes ~15 µs, a cold one ~37 µs).
     *
     * @param level2Bytes one core's share of the level-2 cache in bytes
     *                    ({@link CpuCaches#level2BytesPerCore}), empty if unknown
     * @return the bound in bytes, never 0 (the builder turns the feature off, not this)
     */
    public static long zeroOnFreeMaxBytes(OptionalLong level2Bytes) {
        if (level2Bytes.isEmpty()) {
            return DEFAULT_ZERO_ON_FREE_MAX_BYTES;
        }
        return Math.clamp(level2Bytes.getAsLong() / 2, MIN_ZERO_ON_FREE_MAX_BYTES, MAX_ZERO_ON_FREE_MAX_BYTES);
    }

    /**
     * Returns {@link #zeroOnFreeMaxBytes(OptionalLong)} for this machine's CPU, in bytes (its
     * sysfs is read once per JVM). Any thread.
     */
    public static long zeroOnFreeMaxBytesHere() {
        return ThisCpu.ZERO_ON_FREE_MAX_BYTES;
    }

    /** Holds what was read of this machine's CPU, loaded on first use. */
    private static final class ThisCpu {
        static final long ZERO_ON_FREE_MAX_BYTES =
                zeroOnFreeMaxBytes(CpuCaches.level2BytesPerCore(CpuCaches.CPU0_CACHES));
    }

    /**
     * The last reference of a buffer is gone: books its chunk pending and, if it was the
     * generation's last live buffer of a sealed generation, retires the generation.
     */
    public void release(Chunk chunk, Generation generation) {
        pools.markPending(chunk);
        if (generation.release(chunk)) {
            generations.retired(generation);
        }
    }

    /**
     * A generation has no live buffer and is sealed: close its scope, then free its chunks;
     * deferred to the worker when frees are deferred. The retire action of the heap's
     * {@link Generations}.
     */
    public void retire(Generation generation) {
        retirementsInFlight.incrementAndGet();
        if (freeList == null) {
            retireNow(generation, FreeReason.NORMAL);
            return;
        }
        freeList.defer(new Retirement(generation));
    }

    private void retireNow(Generation generation, FreeReason reason) {
        try {
            if (generation.tryCloseScope()) {
                freeWaiting(generation.takeWaiting(), reason);
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
     * with every thread), so allocating threads that help the worker leave it alone.
     */
    private final class Retirement extends DeferredFreeList.Item {
        Retirement(Generation generation) {
            super(generation.waitingPages(), (item, reason) -> retireNow(generation, reason));
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
     * Hands back the first {@code count} chunks of a closed heap arena: books them pending,
     * then defers them, or frees them here on a synchronous heap.
     *
     * <p>When the worker is behind on a chunk's class ({@code zeroWhenBehind}; its pool is
     * empty while chunks of the class wait to be zeroed, see {@link PoolSet#workerBehind}) and
     * the chunk is at most {@code zeroOnFreeMaxBytes} (half a core's share of the L2 cache, see
     * {@link #zeroOnFreeMaxBytes(OptionalLong)}), the chunk is zeroed and
     * pooled here instead: the next allocation of that class would zero a pending chunk itself
     * anyway (DESIGN rule 4), and here the chunk's cache lines are still this thread's. A
     * deliberate exception to "a freed buffer is not zeroed by the thread that frees it",
     * bounded to chunks that fit in a core's L2 cache. Measured on this 2-core VM
     * (AllocateBenchmark, sustained, touched): 4 KiB arenas 572 to 285 ns, 64 KiB 2.1 to
     * 1.4 µs, and with the bound raised from 256 KiB to half the 2 MiB L2, 1 MiB arenas
     * 16.6 to 15.2 µs; in bursts pools are warm, so nothing is zeroed here. A chunk of at least
     * {@value #REFILL_ON_CLOSE_MIN_BYTES} bytes zeroed here while the worker idles (lingering or
     * parked: it has not seen the pending chunks yet) counts as a shortfall of its pool, which
     * the idle worker refills: else the pool, which then never misses, would never grow, and a
     * burst pattern could zero every chunk on its closing thread for good (seen: untouched
     * 1 MiB bursts stuck at 16.7 µs an operation against 0.4 µs with a warm pool). The price:
     * a sustained loop of such chunks, whose worker idles between them too, grows the pool to
     * its cap (1 MiB arenas: about 33 MiB held, as before the bound was raised). Smaller chunks
     * never ask: zeroing them here costs little, and refilling made sustained 4 KiB arenas 3×
     * slower (the pool grew to its cap and its chunks went cold). A
     * free that fails there is logged and counted as a failed free, not thrown.
     *
     * @throws RuntimeException on a synchronous heap, the first free that failed (the other
     *                          chunks are freed all the same; later failures suppressed)
     */
    public void releaseArenaChunks(Chunk[] chunks, int count) {
        boolean[] zeroHere = null; // allocated only when some chunk is zeroed here
        if (freeList != null && zeroOnFreeMaxBytes > 0 && !heapClosed.getAsBoolean()) {
            for (int i = 0; i < count; i++) { // decided before this arena's own chunks count as pending
                if (chunks[i].byteSize() <= zeroOnFreeMaxBytes && pools.workerBehind(chunks[i])) {
                    if (zeroHere == null) {
                        zeroHere = new boolean[count];
                    }
                    zeroHere[i] = true;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            pools.markPending(chunks[i]);
        }
        RuntimeException failure = null;
        boolean zeroedAny = false;
        for (int i = 0; i < count; i++) {
            if (freeList != null && (zeroHere == null || !zeroHere[i])) {
                freeList.defer(chunks[i]);
            } else if (freeList != null) {
                zeroedAny |= zeroOnFree(chunks[i]);
            } else {
                try {
                    freeChunk(chunks[i], FreeReason.NORMAL);
                } catch (RuntimeException e) {
                    failure = recordSyncFailure(failure, e);
                }
            }
        }
        if (zeroedAny && heapClosed.getAsBoolean()) {
            pools.shrinkPools(Long.MAX_VALUE); // the heap closed meanwhile: nothing may stay pooled
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Zeroes and pools one chunk on the freeing thread; true if pooled. Failures are counted. */
    private boolean zeroOnFree(Chunk chunk) {
        try {
            boolean pooled = pools.free(chunk, heapClosed.getAsBoolean() ? FreeReason.UNDER_PRESSURE : FreeReason.NORMAL);
            if (pooled) {
                zeroedOnFree.incrementAndGet();
                if (refillPools && chunk.byteSize() >= REFILL_ON_CLOSE_MIN_BYTES && freeList.workerIdle()) {
                    closeShortfalls.incrementAndGet();
                    if (pools.recordShortfall(chunk.byteSize())) {
                        freeList.requestIdleAction(); // the idle worker refills the pool
                    }
                }
            }
            return pooled;
        } catch (RuntimeException e) {
            freerFailedFrees.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, () -> "freeing " + chunk + " on the closing thread failed; counted", e);
            return false;
        }
    }

    /**
     * Returns how many chunks of closed arenas were zeroed on the closing thread because the
     * worker was behind on their class (deferred heaps only).
     */
    public long zeroedOnFree() {
        return zeroedOnFree.get();
    }

    /** Returns how many generations were handed to retirement and have not finished it. */
    public long retirementsInFlight() {
        return retirementsInFlight.get();
    }

    /** Returns how many retirements were put off because a client held the scope. */
    public long scopeCloseRetries() {
        return scopeCloseRetries.get();
    }

    /**
     * Returns how many chunks zeroed on their closing thread counted as a shortfall of their
     * pool (the worker idled). Lock-free.
     */
    public long closeShortfalls() {
        return closeShortfalls.get();
    }

    /** Returns how many chunk frees failed on the calling thread (synchronous heaps only). */
    public long syncFailedFrees() {
        return syncFailedFrees.get();
    }

    /** Returns how many frees on a closing thread ({@code zeroWhenBehind}) failed; logged. */
    public long freerFailedFrees() {
        return freerFailedFrees.get();
    }
}
