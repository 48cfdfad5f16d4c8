package io.zeroheap;

import io.zeroheap.arena.ChunkSupply;
import io.zeroheap.arena.HeapArena;
import io.zeroheap.leak.LeakDetector;
import io.zeroheap.observe.Events;
import io.zeroheap.observe.HeapMXBeanImpl;
import io.zeroheap.observe.HeapStatisticsPeriodic;
import io.zeroheap.observe.PoolMissEvent;
import io.zeroheap.observe.ShrinkEvent;
import io.zeroheap.os.ArenaMemorySource;
import io.zeroheap.os.MemoryRefusedException;
import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.IdleDecay;
import io.zeroheap.pool.PagePool;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.pool.SizeClasses;
import io.zeroheap.scope.Generation;
import io.zeroheap.scope.Generations;
import io.zeroheap.scope.PinnedChunkPurger;
import io.zeroheap.util.Checks;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The heap that hands out zero-filled memory at pool speed (the series' {@code system_heap}):
 * page pools per size class, a deferred free list whose nice-19 worker zeroes freed chunks
 * and pools them, and a memory source ({@code mmap} on Linux).
 *
 * <p><b>Allocation</b> pops a zeroed chunk from its size class's pool. On a miss it never
 * waits for the worker: when freed chunks of that class are pending, it frees pending chunks
 * itself ({@link DeferredFreeList#help}; generation retirements, which close a shared scope,
 * are left to the worker unless that class's pending chunks pile up past half its pool cap,
 * which bounds memory when the worker cannot keep up) and retries (zeroing a page costs ~0.04 µs here, a
 * fresh pre-faulted page ~0.6 µs, and memory held stays put); otherwise it maps fresh memory,
 * which reads zero. When the worker goes idle it refills the pools that missed, with fresh
 * pre-faulted chunks, so the next burst of the same sizes is served from the pool. When the budget or
 * the OS refuses, it reclaims through its shrinkers (pending frees first, then pinned freed
 * buffers, then pools) what brings it back under budget and retries; if other threads took
 * that memory meanwhile, it reclaims everything reclaimable and retries a last time before
 * throwing {@link HeapOutOfMemoryError}.
 *
 * <p><b>Freeing</b> never zeroes on the caller: the chunk goes to the deferred free list. For
 * {@link HeapBuffer}s, the chunk first waits for its generation's shared scope to close (see
 * {@code io.zeroheap.scope}); for heap arenas, the arena's own scope is closed at once.
 * With {@code deferredFree(false)} the same work happens on the freeing thread.
 *
 * <p><b>Observability</b>: JFR events ({@link HeapEvents}), a JMX bean ({@link HeapMXBean},
 * see {@link Builder#jmx}), leak detection ({@link LeakDetection}) and {@link #stats()}.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class SystemHeap implements Heap {

    private static final System.Logger LOG = System.getLogger(SystemHeap.class.getName());
    private static final VarHandle CLOSED;
    /** Above this a size cannot be meant (the x86-64 user address space is 128 TiB). */
    private static final long MAX_BYTE_SIZE = 1L << 47;
    /** How long drain() keeps retrying a retirement whose scope a downcall holds. */
    private static final long DRAIN_RETRY_NANOS = 100_000_000;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(SystemHeap.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final PoolSet pools;
    private final DeferredFreeList freeList;
    private final Generations generations;
    private final PinnedChunkPurger pinnedPurger;
    private final Shrinkers shrinkers = new Shrinkers();
    private final List<Shrinkers.Registration> systemRegistrations = new ArrayList<>();
    /**
     * Open shared arenas that leak detection does not track: held strongly, so that close()
     * ends them even if their user dropped them (else their memory would stay held for good).
     */
    private final Set<HeapArena> untrackedSharedArenas = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));
    /** Open shared arenas that leak detection tracks: weak, so that one dropped unclosed can be found. */
    private final Set<HeapArena> trackedSharedArenas = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    private final LeakDetector leaks;
    private final Supplier<HeapStats> periodicStats = this::stats;
    /** Set by the builder when the heap has a JMX bean; unregistered on close. */
    private HeapMXBeanImpl mxBean;
    private final ChunkSupply supply = new Supply();
    private final AtomicLong shrinkCalls = new AtomicLong();
    private final AtomicLong shrunkPages = new AtomicLong();
    private final AtomicLong allocationFailures = new AtomicLong();
    private final AtomicLong selfZeroed = new AtomicLong();
    private final AtomicLong scopeCloseRetries = new AtomicLong();
    /** Generations handed to retirement whose retirement has not finished; for drain(). */
    private final AtomicLong retirementsInFlight = new AtomicLong();
    private final AtomicLong syncFailedFrees = new AtomicLong();
    /** Failures of close() steps that do not free memory (the JMX bean's removal); logged too. */
    private final AtomicLong closeFailures = new AtomicLong();
    private volatile boolean closed;
    private final boolean refillPools;
    private final Reclaimer reclaimer;
    private volatile Shrinkers.Registration decayRegistration;

    private SystemHeap(Builder builder, MemorySource source, LeakDetector leaks) {
        this.name = builder.name;
        this.reclaimer = builder.reclaimer != null ? builder.reclaimer : Reclaimer.system();
        this.refillPools = builder.refillPools;
        this.leaks = leaks;
        long pageSize = builder.pageSize == 0 ? source.pageSize() : builder.pageSize;
        SizeClasses classes = new SizeClasses(pageSize, builder.maxClassByteSize);
        this.pools = new PoolSet(source, classes, builder.poolCapBytes, builder.maxBytes, builder.populate,
                builder.transparentHugePages, (item, reason) -> freeChunk((Chunk) item, reason),
                reclaimer::heldBytesChanged);
        this.generations = new Generations(builder.generationMaxBuffers, builder.generationMaxBytes,
                this::retire);
        this.freeList = builder.deferredFree
                ? DeferredFreeList.builder()
                        .workerName(builder.workerName != null ? builder.workerName : "zeroheap-free-" + name)
                        .workerNice(builder.workerNice)
                        .idleAction(this::onWorkerIdle)
                        .build()
                : null;
        this.pinnedPurger = new PinnedChunkPurger(generations, pools);
        if (freeList != null) {
            shrinkers.register(freeList);
        }
        shrinkers.register(pinnedPurger);
        shrinkers.register(pools);
    }

    /**
     * What the worker does when it has emptied the free list: seal the current buffer
     * generation if freed buffers wait in it (so they can be recycled), and refill the pools
     * that allocations missed since the last time, so the next burst finds them warm.
     */
    private void onWorkerIdle() {
        generations.sealIfWaiting();
        if (refillPools && !closed && !reclaimer.underPressure()) {
            pools.refill();
        }
    }

    /** Returns a builder with the defaults documented on each setting. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HeapBuffer allocate(long byteSize) {
        requireOpen();
        requireValidSize(byteSize);
        Chunk chunk = allocateChunk(byteSize);
        Generation generation = generations.join(chunk.byteSize());
        try {
            return new HeapBuffer(this, chunk, generation, generation.segment(chunk.address(), byteSize), leaks);
        } catch (Throwable e) {
            // An OutOfMemoryError making the segment or the leak tracker: the chunk was taken
            // and the generation joined, so give them back as a close would (STYLE 9).
            try {
                release(chunk, generation);
            } catch (Throwable again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    @Override
    public Arena newArena() {
        requireOpen();
        return HeapArena.confined(supply, leaks);
    }

    @Override
    public Arena newSharedArena() {
        requireOpen();
        HeapArena arena = HeapArena.shared(supply, leaks);
        (arena.tracked() ? trackedSharedArenas : untrackedSharedArenas).add(arena);
        return arena;
    }

    @Override
    public long shrink(long nrPages) {
        requireOpen();
        Checks.requireNonNegative(nrPages, "nrPages");
        return reclaim(nrPages, "shrink()");
    }

    @Override
    public HeapStats stats() {
        List<PagePool.PoolStats> perPool = pools.snapshot();
        long pageSize = pools.classes().pageSize();
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
        List<HeapStats.SizeClassStats> classes = new ArrayList<>(perPool.size());
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
            classes.add(new HeapStats.SizeClassStats(pool.chunkByteSize(), pool.pooledChunks(),
                    pool.allocatedChunks(), pool.hits(), pool.misses()));
        }
        DeferredFreeStats listStats = freeList == null ? null : freeList.stats();
        long failed = listStats == null ? syncFailedFrees.get() : listStats.failedFrees();
        OptionalInt nice = listStats == null ? OptionalInt.empty() : listStats.workerNice();
        return new HeapStats(name, pools.source().name(), freeList != null, pageSize, pools.maxBytes(),
                allocated * pageSize, pooled * pageSize, pending * pageSize, reserved * pageSize,
                purged * pageSize, hits, misses, zeroed, released, pressure, failed,
                selfZeroed.get(), scopeCloseRetries.get(), shrinkCalls.get(), shrunkPages.get(), allocationFailures.get(), nice, classes,
                leaks.level(), leaks.leakedBuffers(), leaks.leakedArenas(), leaks.leakedBytes());
    }

    /**
     * Returns once everything freed before the call has been zeroed and pooled or given back,
     * except chunks of buffers whose generation still has a live buffer (or a scope held by a
     * downcall): seals the current buffer generation if freed buffers wait in it, then drains
     * the free list on the calling thread (see {@link DeferredFreeList#drain()}). For tests,
     * benchmarks and orderly pauses; allocation never needs it.
     *
     * @throws IllegalStateException if the heap is closed
     */
    public void drain() {
        requireOpen();
        long deadline = System.nanoTime() + DRAIN_RETRY_NANOS;
        boolean again;
        do {
            generations.sealIfWaiting();
            generations.retryNow();
            if (freeList != null) {
                freeList.drain();
            }
            // The idle worker may have sealed a generation and deferred its retirement after
            // our drain marker: go round until no retirement is in flight. A scope that a
            // downcall holds is retried for up to DRAIN_RETRY_NANOS, then left for later.
            again = retirementsInFlight.get() > 0 || generations.retirementPending()
                    || (generations.hasRetries() && System.nanoTime() - deadline < 0);
            if (again && generations.hasRetries()) {
                Thread.onSpinWait();
            }
        } while (again);
    }

    /**
     * Frees what the heap holds and ends the scopes of its buffers and shared arenas; see
     * {@link Heap#close()}. Removes its JMX bean (before anything else, so a heap of the same
     * name built right after gets its own; a failure there is logged and counted, and the close
     * goes on), unregisters the heap from {@link Heaps} and {@link Shrinkers#system()} and stops
     * its periodic JFR statistics. The heap holds the shared arenas that leak detection tracks
     * weakly (so that one dropped unclosed can be found): such an arena that was dropped while
     * some of its segments are still reachable is not closed here, and its memory goes back to
     * the OS when leak detection finds it. Every other open shared arena is held strongly and
     * closed here.
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("heap '" + name + "': already closed");
        }
        if (mxBean != null) {
            try {
                mxBean.unregister();
            } catch (RuntimeException e) { // the memory matters more than the bean: go on
                closeFailures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': its JMX bean "
                        + mxBean.objectName() + " could not be removed", e);
            }
        }
        Heaps.unregister(this);
        systemRegistrations.forEach(Shrinkers.Registration::close);
        Shrinkers.Registration decay = decayRegistration;
        if (decay != null) {
            decay.close();
        }
        HeapStatisticsPeriodic.remove(periodicStats);
        List<HeapArena> sharedArenas = new ArrayList<>();
        synchronized (untrackedSharedArenas) {
            sharedArenas.addAll(untrackedSharedArenas);
        }
        synchronized (trackedSharedArenas) {
            sharedArenas.addAll(trackedSharedArenas);
        }
        for (HeapArena arena : sharedArenas) {
            try {
                arena.close();
            } catch (IllegalStateException e) {
                if (arena.scope().isAlive()) { // held by a downcall or I/O: it stays open
                    LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': " + arena
                            + " is in use and stays open; its memory goes back when it is closed", e);
                } // else its user closed it concurrently, which released its chunks
            }
        }
        try {
            for (Generation generation : generations.sealAll()) {
                if (generation.tryCloseScope()) {
                    try {
                        freeWaiting(generation.takeWaiting(), FreeReason.UNDER_PRESSURE);
                    } catch (RuntimeException e) { // counted by freeWaiting; go on closing
                        LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': a free failed", e);
                    }
                } else {
                    LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': a buffer generation is in"
                            + " use (a downcall or I/O on one of its segments); its memory goes back when"
                            + " its last buffer is closed");
                }
            }
        } finally {
            if (freeList != null) {
                freeList.close(); // frees everything pending; freeChunk gives it back since closed
            }
            pools.shrinkPools(Long.MAX_VALUE);
        }
    }

    @Override
    public String toString() {
        return "SystemHeap[" + name + (closed ? ", closed]" : "]");
    }

    /** Returns the heap's leak detection; for tests. */
    LeakDetector leakDetector() {
        return leaks;
    }

    /** Returns how many close() steps that free no memory failed (logged); for tests. */
    long closeFailures() {
        return closeFailures.get();
    }

    /** Has the reclaimer tick this heap's idle decay; called by the builder. */
    private void startIdleDecay(Duration decayTime) {
        if (decayTime.isZero()) {
            return;
        }
        IdleDecay decay = new IdleDecay(decayTime.toNanos());
        decayRegistration = reclaimer.registerDecay(decay.tickNanos(), () -> closed ? 0 : decayTick(decay));
    }

    /**
     * One idle-decay tick (on the reclaim thread): also seals the buffer generation if freed
     * buffers wait in it, so buffers closed after the worker went idle are recycled within a
     * tick rather than at the next allocation or free.
     */
    private long decayTick(IdleDecay decay) {
        generations.sealIfWaiting();
        return pools.decay(decay);
    }

    /** Registers this heap's shrinkers with the process-wide registry; called by the builder. */
    private void registerWithSystem() {
        if (freeList != null) {
            systemRegistrations.add(Shrinkers.system().register(freeList));
        }
        systemRegistrations.add(Shrinkers.system().register(pinnedPurger));
        systemRegistrations.add(Shrinkers.system().register(pools));
    }

    // ---- allocation ----

    private Chunk allocateChunk(long byteSize) {
        Chunk chunk = pools.allocatePooled(byteSize);
        if (chunk != null) {
            return chunk;
        }
        PoolMissEvent event = Events.startPoolMiss();
        long chunkPages = pools.chunkPages(byteSize);
        if (freeList != null && pools.hasPending(byteSize)) {
            generations.sealIfWaiting();
            freeList.help(chunkPages, pools.pendingPilingUp(byteSize));
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
        Events.poolMiss(event, name, byteSize, chunkPages * pools.classes().pageSize(), PoolMissEvent.FAILED);
        HeapStats stats = stats();
        throw new HeapOutOfMemoryError("heap '" + name + "': cannot allocate " + byteSize + " bytes ("
                + chunkPages * stats.pageSize() + " with rounding) within budget " + stats.maxBytes()
                + " bytes: in use " + stats.allocatedBytes() + ", pooled " + stats.pooledBytes()
                + ", pending " + stats.pendingBytes() + ", held from the OS " + stats.reservedBytes()
                + (refused != null ? "; the OS refused: " + refused.getMessage() : "")
                + " (after reclaiming what the shrinkers could)");
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
     */
    private long reclaim(long nrPages, String source) {
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

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("heap '" + name + "' is closed");
        }
    }

    private void requireValidSize(long byteSize) {
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
            throw new IllegalArgumentException("byteSize: " + byteSize + " (expected: at most "
                    + Math.min(MAX_BYTE_SIZE, pools.maxBytes()) + " after rounding up to its size class ("
                    + (byteSize > MAX_BYTE_SIZE ? "too large" : pools.chunkByteSize(byteSize) + " bytes")
                    + "), the most heap '" + name + "' can ever hold)");
        }
    }

    // ---- freeing ----

    /** The last reference of a buffer is gone. */
    void release(Chunk chunk, Generation generation) {
        pools.markPending(chunk);
        if (generation.release(chunk)) {
            generations.retired(generation);
        }
    }

    /** A generation has no live buffer and is sealed: close its scope, then free its chunks. */
    private void retire(Generation generation) {
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

    /** Frees every chunk of a list; one that fails does not stop the others. */
    private void freeWaiting(Chunk first, FreeReason reason) {
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
    private void freeChunk(Chunk chunk, FreeReason reason) {
        pools.free(chunk, closed ? FreeReason.UNDER_PRESSURE : reason);
    }

    private void releaseArenaChunks(Chunk[] chunks, int count) {
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

    /** The heap's side of its arenas, kept off the public API. */
    private final class Supply implements ChunkSupply {
        @Override
        public long maxAlignment() {
            return pools.source().pageSize();
        }

        @Override
        public Chunk allocateChunk(long byteSize) {
            requireOpen();
            requireValidSize(byteSize);
            return SystemHeap.this.allocateChunk(byteSize);
        }

        @Override
        public void releaseChunks(Chunk[] chunks, int count) {
            releaseArenaChunks(chunks, count);
        }

        @Override
        public void arenaClosed(HeapArena arena) {
            (arena.tracked() ? trackedSharedArenas : untrackedSharedArenas).remove(arena);
        }
    }

    /**
     * Builds a {@link SystemHeap}. Not thread-safe. Worst-case memory: the heap never holds more
     * than {@link #maxBytes} from the OS; within that, each size class pools at most
     * {@link #poolCapBytes} (plus one chunk per freer running at once), and a generation of
     * buffers can pin about {@link #generationMaxBytes} of freed chunks while one of its
     * buffers stays open.
     */
    public static final class Builder {
        private String name = "system";
        private long pageSize;
        private long maxBytes = Long.MAX_VALUE;
        private boolean deferredFree = true;
        private String workerName;
        private int workerNice = DeferredFreeList.DEFAULT_WORKER_NICE;
        private long poolCapBytes = 32L << 20;
        private long maxClassByteSize = 32L << 20;
        private boolean populate = true;
        private boolean transparentHugePages = true;
        private long generationMaxBuffers = 1024;
        private long generationMaxBytes = 8L << 20;
        private boolean portableMemory;
        private boolean refillPools = true;
        private boolean register = true;
        private Duration idleDecay = Duration.ofSeconds(10);
        private Reclaimer reclaimer;
        private MemorySource memorySource;
        private Boolean jmx;
        /** Null: not set; build() reads the system property then. */
        private LeakDetection leakDetection;

        private Builder() {
        }

        /**
         * Sets the heap's name (default {@code system}); it must be unique among registered
         * heaps.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder name(String name) {
            this.name = Checks.requireNonBlank(name, "name");
            return this;
        }

        /**
         * Sets the page size in bytes: the unit of accounting and the granularity of chunks
         * (default: the OS page size). It must be a power of two and a multiple of the OS page
         * size.
         *
         * @throws IllegalArgumentException if not a power of two >= 4096
         */
        public Builder pageSize(long pageSize) {
            if (pageSize < 4096 || Long.bitCount(pageSize) != 1) {
                throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: a power of two >= 4096)");
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * Sets the budget: the most bytes the heap holds from the OS at once (default: no limit
         * but the OS's). Allocations beyond it reclaim first, then fail.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = Checks.requirePositive(maxBytes, "maxBytes");
            return this;
        }

        /**
         * Sets whether frees are deferred to a worker thread (default true). False zeroes on
         * the freeing thread: the seed's "before", kept for comparison.
         */
        public Builder deferredFree(boolean deferredFree) {
            this.deferredFree = deferredFree;
            return this;
        }

        /**
         * Sets the worker thread's name (default {@code zeroheap-free-<heap name>}).
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder workerName(String workerName) {
            this.workerName = Checks.requireNonBlank(workerName, "workerName");
            return this;
        }

        /**
         * Sets the worker's Linux niceness (default 19).
         *
         * @throws IllegalArgumentException if outside [0, 19]
         */
        public Builder workerNice(int nice) {
            this.workerNice = Checks.requireInRange(nice, 0, 19, "workerNice");
            return this;
        }

        /**
         * Sets the most bytes each size class's pool keeps (default 32 MiB); freed chunks beyond
         * it go back to the OS.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder poolCapBytes(long poolCapBytes) {
            this.poolCapBytes = Checks.requireNonNegative(poolCapBytes, "poolCapBytes");
            return this;
        }

        /**
         * Sets the largest pooled chunk size (default 32 MiB); larger buffers are mapped and
         * unmapped on their own.
         *
         * @throws IllegalArgumentException if below 4096
         */
        public Builder maxClassByteSize(long maxClassByteSize) {
            if (maxClassByteSize < 4096) {
                throw new IllegalArgumentException("maxClassByteSize: " + maxClassByteSize + " (expected: >= 4096)");
            }
            this.maxClassByteSize = maxClassByteSize;
            return this;
        }

        /**
         * Sets whether fresh memory is faulted in when mapped ({@code MAP_POPULATE}, default
         * true). Measured here (FreshMemoryBenchmark): 1 MiB mapped, touched and unmapped in
         * 165 µs populated against 274 µs faulted page by page; 8 MiB 1.36 ms against 2.1 ms.
         */
        public Builder populate(boolean populate) {
            this.populate = populate;
            return this;
        }

        /**
         * Sets whether mappings of 2 MiB or more ask for transparent huge pages (aligned to
         * 2 MiB, {@code MADV_HUGEPAGE}; default true). Linux only; ignored elsewhere. Measured
         * here (FreshMemoryBenchmark, map + touch every page + unmap): 8 MiB 2.1 ms without,
         * 0.48 ms with; 32 MiB 12.2 ms without, 1.6 ms with. Fewer TLB misses help pooled
         * chunks too.
         */
        public Builder transparentHugePages(boolean transparentHugePages) {
            this.transparentHugePages = transparentHugePages;
            return this;
        }

        /**
         * Sets how many buffers share one scope generation before it is sealed (default 1024).
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder generationMaxBuffers(long buffers) {
            this.generationMaxBuffers = Checks.requirePositive(buffers, "generationMaxBuffers");
            return this;
        }

        /**
         * Sets how many bytes of buffers share one scope generation before it is sealed
         * (default 8 MiB, below the pool cap so a retiring generation fits in its pools). One
         * long-lived buffer can pin up to this plus the buffer that crossed it (which may be
         * large) until it is closed; under pressure the pinned pages are purged.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder generationMaxBytes(long bytes) {
            this.generationMaxBytes = Checks.requirePositive(bytes, "generationMaxBytes");
            return this;
        }

        /**
         * Sets whether the idle worker refills pools that allocations missed with fresh,
         * pre-faulted chunks (default true), so a repeated burst is served from the pool. Worst
         * case it holds a pool cap per size class that missed; pressure and {@link #shrink}
         * give it back.
         */
        public Builder refillPools(boolean refillPools) {
            this.refillPools = refillPools;
            return this;
        }

        /**
         * Sets whether to use the portable memory source on {@link Arena} even where
         * {@code mmap} is available (default false: the platform's best).
         */
        public Builder portableMemory(boolean portableMemory) {
            this.portableMemory = portableMemory;
            return this;
        }

        /**
         * Sets whether the heap registers in {@link Heaps} under its name and with
         * {@link Shrinkers#system()} (default true).
         */
        public Builder register(boolean register) {
            this.register = register;
            return this;
        }

        /**
         * Sets the idle decay time (default 10 s, as jemalloc's {@code dirty_decay_ms}): pooled
         * chunks that nobody uses go back to the OS gradually, all of them once unused this long
         * (see {@code io.zeroheap.pool.IdleDecay}: 3% after a tenth of it, half after half,
         * all at the end), so an idle service returns to its baseline footprint by itself.
         * Ticked by the {@link #reclaimer}, ten times per decay time. {@link Duration#ZERO}
         * turns it off.
         *
         * @throws IllegalArgumentException if negative, or positive but under 10 ms
         */
        public Builder idleDecay(Duration decay) {
            Checks.requireNonNull(decay, "decay");
            if (decay.isNegative() || (!decay.isZero() && decay.toMillis() < 10)) {
                throw new IllegalArgumentException("idleDecay: " + decay + " (expected: ZERO for off, or >= 10 ms)");
            }
            this.idleDecay = decay;
            return this;
        }

        /**
         * Sets whether the heap registers a JMX bean ({@link HeapMXBean}) on the platform MBean
         * server as {@code io.zeroheap:type=Heap,name=<name>} until it is closed (default: on
         * when the heap is {@linkplain #register registered}, whose names are unique; off
         * otherwise). The first bean also starts the platform MBean server if nothing has: a
         * one-time cost, measured here in a fresh JVM (2026-11-25) as 70-110 ms more for the
         * first heap (the first {@link Heaps#system()} took 260-320 ms, a first heap built
         * with {@code jmx(false)} 190-210 ms; {@code getPlatformMBeanServer()} alone
         * 120-130 ms); nothing once the server runs. When on by default, a bean that cannot be registered (its name is
         * taken, e.g. by another copy of zeroheap in the JVM) is logged and the heap is built
         * without it; when set explicitly, {@link #build()} throws instead.
         */
        public Builder jmx(boolean jmx) {
            this.jmx = jmx;
            return this;
        }

        /**
         * Sets how the heap finds buffers and arenas dropped without being closed (default: the
         * level the system property {@value LeakDetection#PROPERTY} names, read by
         * {@link #build()} only when this was not called, else {@link LeakDetection#SAMPLED}).
         * Worst-case memory: a tracked buffer or arena that leaks holds its memory until the GC
         * finds it unreachable; an untracked one (every one with {@code OFF}, most with
         * {@code SAMPLED}) until the heap is closed, and a leaked buffer's generation pins up to
         * {@link #generationMaxBytes} more (whose pages pressure gives back: address space, not
         * memory); an untracked confined arena dropped unclosed keeps its memory for good, as a
         * JDK confined arena would.
         *
         * @throws NullPointerException if {@code leakDetection} is null
         */
        public Builder leakDetection(LeakDetection leakDetection) {
            this.leakDetection = Checks.requireNonNull(leakDetection, "leakDetection");
            return this;
        }

        /**
         * Sets the reclaimer that ticks this heap's idle decay and records the reclaims of
         * allocations the OS refused (default {@link Reclaimer#system()}, started on first use).
         */
        public Builder reclaimer(Reclaimer reclaimer) {
            this.reclaimer = Checks.requireNonNull(reclaimer, "reclaimer");
            return this;
        }

        /** Sets the memory source; for tests that make the OS refuse memory. */
        Builder memorySource(MemorySource source) {
            this.memorySource = Checks.requireNonNull(source, "source");
            return this;
        }

        /**
         * Creates the heap (and starts its worker when frees are deferred), registers it as
         * set, and adds it to the periodic JFR heap statistics.
         *
         * @throws IllegalArgumentException if {@code register} is on and a heap of this name is
         *                                  already registered, {@code jmx} is on and a JMX bean of
         *                                  this name exists, {@code pageSize} is not a multiple
         *                                  of the OS page size, or no {@link #leakDetection} level
         *                                  was set and the system property
         *                                  {@value LeakDetection#PROPERTY} names none
         */
        public SystemHeap build() {
            // The property only when no level was set, so a bad value cannot break a builder that sets one.
            LeakDetector leaks = leakDetection != null
                    ? new LeakDetector(name, leakDetection, false)
                    : new LeakDetector(name, LeakDetection.fromSystemProperty(), true);
            MemorySource source = memorySource != null ? memorySource
                    : portableMemory ? new ArenaMemorySource() : MemorySource.platformDefault();
            if (pageSize != 0 && pageSize % source.pageSize() != 0) {
                throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: a multiple of the OS page size "
                        + source.pageSize() + ")");
            }
            SystemHeap heap = new SystemHeap(this, source, leaks);
            if (register) {
                try {
                    Heaps.register(heap);
                } catch (RuntimeException e) {
                    heap.close();
                    throw e;
                }
                heap.registerWithSystem();
            }
            if (jmx != null ? jmx : register) {
                try {
                    heap.mxBean = HeapMXBeanImpl.register(heap);
                } catch (RuntimeException e) {
                    if (jmx != null) { // asked for explicitly: a heap without its bean is an error
                        heap.close();
                        throw e;
                    }
                    // on by default only: the heap works without it (e.g. another copy of
                    // zeroheap in this JVM registered the name)
                    LOG.log(System.Logger.Level.WARNING, () -> "heap '" + heap.name
                            + "': no JMX bean (" + e.getMessage() + "); build with jmx(false) to skip it", e);
                }
            }
            heap.startIdleDecay(idleDecay);
            HeapStatisticsPeriodic.add(heap.periodicStats);
            return heap;
        }
    }
}
