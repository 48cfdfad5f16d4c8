package io.zeroheap;

import io.zeroheap.util.Loggers;
import io.zeroheap.arena.ChunkSupply;
import io.zeroheap.arena.HeapArena;
import io.zeroheap.arena.SharedArenas;
import io.zeroheap.free.ChunkRecycler;
import io.zeroheap.leak.LeakDetector;
import io.zeroheap.os.ArenaMemorySource;
import io.zeroheap.os.Cpus;
import io.zeroheap.os.FaultInjectingSource;
import io.zeroheap.os.MemorySource;
import io.zeroheap.percpu.CpuPools;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.IdleDecay;
import io.zeroheap.pool.PagePool;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.pool.PoolTotals;
import io.zeroheap.pool.SizeClasses;
import io.zeroheap.scope.Generation;
import io.zeroheap.scope.Generations;
import io.zeroheap.scope.Lease;
import io.zeroheap.scope.PinnedChunkPurger;
import io.zeroheap.util.Checks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

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
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class SystemHeap implements Heap {

    // This class wires the parts together and owns the heap's life (open, drain, close). The
    // allocation path and reclaim are ChunkAllocator's, the freeing path free.ChunkRecycler's,
    // the open shared arenas arena.SharedArenas', the process-wide registrations
    // HeapRegistrations', the sums behind stats() pool.PoolTotals'.

    private static final System.Logger LOG = Loggers.lazy(SystemHeap.class.getName());
    private static final VarHandle CLOSED;
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
    private final SharedArenas sharedArenas;
    private final LeakDetector leaks;
    private final ChunkAllocator allocator;
    private final ChunkRecycler recycler;
    private final HeapRegistrations registrations = new HeapRegistrations(this);
    private final ChunkSupply supply = new Supply();
    private volatile boolean closed;
    /** Null unless built with {@link Builder#injectFaults}. */
    private final FaultInjectingSource faults;
    /** Whether this is the heap of {@link Heaps#system()}, which cannot be closed. */
    private final boolean processWide;
    private final boolean refillPools;
    private final Reclaimer reclaimer;
    /** Null on a synchronous heap or one built with {@code cpuPools(false)}. */
    private final CpuPools cpuPools;

    private SystemHeap(Builder builder, MemorySource source, LeakDetector leaks) {
        this.faults = source instanceof FaultInjectingSource injecting ? injecting : null;
        this.name = builder.name;
        this.processWide = builder.processWide;
        this.reclaimer = builder.reclaimer != null ? builder.reclaimer : Reclaimer.system();
        this.refillPools = builder.refillPools;
        this.leaks = leaks;
        this.sharedArenas = new SharedArenas(name, LOG);
        long pageSize = builder.pageSize == 0 ? source.pageSize() : builder.pageSize;
        SizeClasses classes = new SizeClasses(pageSize, builder.maxClassByteSize);
        this.pools = new PoolSet(source, classes, builder.poolCapBytes, builder.maxBytes, builder.populate,
                builder.transparentHugePages, this::freeChunk, reclaimer::heldBytesChanged);
        this.generations = new Generations(builder.generationMaxBuffers, builder.generationMaxBytes,
                this::retire);
        this.freeList = builder.deferredFree
                ? DeferredFreeList.builder()
                        .workerName(builder.workerName != null ? builder.workerName : "zeroheap-free-" + name)
                        .workerNice(builder.workerNice)
                        .workerLinger(builder.workerLinger)
                        .idleAction(this::onWorkerIdle)
                        .awaitWorkerStart(!builder.processWide) // off the first allocation's path
                        .build()
                : null;
        this.pinnedPurger = new PinnedChunkPurger(generations, pools);
        this.cpuPools = builder.deferredFree && builder.cpuPools
                ? new CpuPools(classes, builder.cpuPoolMaxChunkBytes(), builder.cpuPoolBytes(), source,
                        new CpuPoolSink(), builder.idleZeroing, this::onCpuIdle)
                : null;
        if (cpuPools != null) {
            shrinkers.register(cpuPools);
        }
        if (freeList != null) {
            shrinkers.register(freeList);
        }
        shrinkers.register(pinnedPurger);
        shrinkers.register(pools);
        this.recycler = new ChunkRecycler(pools, generations, freeList, () -> closed,
                cpuPools == null ? null : this::reuseRetiredChunk);
        this.allocator = new ChunkAllocator(name, pools, generations, freeList, shrinkers, reclaimer,
                refillPools, recycler::retirementsInFlight);
    }

    /**
     * The free action of every chunk. A method of the heap, not of the recycler, because the
     * pools take it before the recycler (which needs the pools) exists.
     */
    private void freeChunk(DeferredFreeList.Item item, FreeReason reason) {
        recycler.freeChunk((Chunk) item, reason);
    }

    /**
     * A retired buffer's chunk goes, dirty, to the pool of the CPU its last close ran on, where
     * that CPU's idle zeroer zeroes it while the CPU idles: the next buffer allocated there
     * finds it clean and warm.
     */
    private boolean reuseRetiredChunk(Chunk chunk) {
        return cpuPools.offerTo(chunk.releaseCpu, chunk);
    }

    /** The generations' retire action; a method of the heap for the same reason as {@link #freeChunk}. */
    private void retire(Generation generation) {
        recycler.retire(generation);
    }

    /**
     * What the worker does when it has emptied the free list: seal the current buffer
     * generation if freed buffers wait in it (so they can be recycled), and refill the pools
     * that allocations missed since the last time, so the next burst finds them warm.
     */
    private void onWorkerIdle() {
        generations.sealIfWaitingAndOld();
        if (refillPools && !closed && !reclaimer.underPressure()) {
            pools.refill();
        }
    }

    /**
     * What an idle zeroer does for this heap when its CPU idles: if closed buffers wait in the
     * current generation, ask the worker to seal it, so they are recycled during the idle spell
     * (a CPU that stays busy does not ask: a sustained loop's generations fill up instead, and
     * their shared-scope closes stay rare). The worker seals, not the zeroer: sealing takes
     * locks, and an idle-priority thread preempted while holding one would stall the others.
     */
    private void onCpuIdle(int cpu) {
        if (!closed && generations.hasOldWaiting()) {
            freeList.requestIdleAction();
        }
    }

    /**
     * Returns how many calls into the OS were made to fail by {@link Builder#injectFaults}
     * (0 for a heap built without). Thread-safe.
     */
    public long injectedFaults() {
        return faults == null ? 0 : faults.injectedFaults();
    }

    /** Makes no more calls fail on a heap built with {@link Builder#injectFaults}. Thread-safe. */
    public void stopInjectingFaults() {
        if (faults != null) {
            faults.setProbability(0);
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
        return allocate(byteSize, true);
    }

    @Override
    public HeapBuffer allocateUntracked(long byteSize) {
        return allocate(byteSize, false);
    }

    private HeapBuffer allocate(long byteSize, boolean mayTrack) {
        requireOpen();
        Chunk chunk = null;
        if (cpuPools != null) {
            allocator.helpIfRetirementsBehind(byteSize); // bound what waits for retirements
            chunk = cpuPools.take(byteSize);
        }
        if (chunk == null) {
            allocator.requireValidSize(byteSize);
            chunk = allocator.allocate(byteSize);
        }
        Lease lease = null;
        try {
            lease = generations.join(chunk.byteSize());
            return new HeapBuffer(this, chunk, lease, lease.segment(chunk.address(), byteSize), leaks, mayTrack);
        } catch (Throwable e) {
            // Joining (it may open a shared arena), making the segment or the leak tracker
            // failed: the chunk was taken, and maybe the generation joined, so give them back
            // as a close would (STYLE 9). Without a lease no segment escaped: free it at once.
            try {
                if (lease != null) {
                    release(chunk, lease);
                } else {
                    recycler.releaseArenaChunks(new Chunk[] {chunk}, 1);
                }
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
        sharedArenas.add(arena);
        return arena;
    }

    @Override
    public long shrink(long nrPages) {
        requireOpen();
        Checks.requireNonNegative(nrPages, "nrPages");
        return allocator.reclaim(nrPages, "shrink()");
    }

    @Override
    public HeapStats stats() {
        List<PagePool.PoolStats> perPool;
        CpuPools.Snapshot cpu = null;
        // The chunks waiting in generations are counted while every pool is locked: with the
        // pools frozen, a waiting chunk is one the pools book allocated, so moving it to
        // pending cannot count it twice (one taken from a pool and closed again meanwhile).
        if (cpuPools == null) {
            perPool = pools.snapshot(this::withWaitingAsPending);
        } else {
            try (CpuPools.Locked locked = cpuPools.lockAll()) {
                cpu = pools.snapshot(shared -> locked.adjust(withWaitingAsPending(shared)));
            }
            perPool = cpu.perPool();
        }
        long pageSize = pools.classes().pageSize();
        PoolTotals totals = PoolTotals.of(perPool);
        List<HeapStats.SizeClassStats> classes = new ArrayList<>(perPool.size());
        for (PagePool.PoolStats pool : perPool) {
            classes.add(new HeapStats.SizeClassStats(pool.chunkByteSize(), pool.pooledChunks(),
                    pool.allocatedChunks(), pool.hits(), pool.misses()));
        }
        DeferredFreeStats listStats = freeList == null ? null : freeList.stats();
        long failed = listStats == null ? recycler.syncFailedFrees() : listStats.failedFrees();
        OptionalInt nice = listStats == null ? OptionalInt.empty() : listStats.workerNice();
        return new HeapStats(name, pools.source().name(), freeList != null, pageSize, pools.maxBytes(),
                totals.allocatedPages() * pageSize, totals.pooledPages() * pageSize,
                totals.pendingPages() * pageSize, totals.reservedPages() * pageSize,
                totals.purgedPages() * pageSize, totals.hits(), totals.misses(), totals.zeroedFrees(),
                totals.releasedFrees(), totals.pressureFrees(), failed,
                allocator.selfZeroed(), recycler.scopeCloseRetries(), allocator.shrinkCalls(),
                allocator.shrunkPages(), allocator.allocationFailures(), nice, classes,
                leaks.level(), leaks.leakedBuffers(), leaks.leakedArenas(), leaks.leakedBytes(),
                cpu == null ? 0 : cpu.cleanTakes(), cpu == null ? 0 : cpu.dirtyTakes(),
                cpu == null ? 0 : cpu.offers(), cpu == null ? 0 : cpu.zeroedIdle(), cpu == null ? 0 : cpu.heldBytes(),
                io.zeroheap.leak.LeakReaper.failures());
    }

    /**
     * Moves the chunks that wait for their buffer generation to retire, which their pools book
     * allocated, to pending in a pool snapshot. Their pages are counted from the chunks
     * themselves (huge ones vary in size).
     */
    private List<PagePool.PoolStats> withWaitingAsPending(List<PagePool.PoolStats> perPool) {
        long[] waiting = new long[perPool.size()];
        long[] hugePages = new long[1];
        generations.countWaiting(waiting);
        generations.countWaitingHugePages(hugePages);
        List<PagePool.PoolStats> adjusted = new ArrayList<>(perPool.size());
        long pageSize = pools.classes().pageSize();
        for (int i = 0; i < perPool.size(); i++) {
            PagePool.PoolStats p = perPool.get(i);
            if (waiting[i] == 0) {
                adjusted.add(p);
                continue;
            }
            boolean huge = p.chunkByteSize() == 0;
            long pages = huge ? hugePages[0] : waiting[i] * (p.chunkByteSize() / pageSize);
            adjusted.add(new PagePool.PoolStats(p.chunkByteSize(), p.pooledChunks(), p.allocatedChunks() - waiting[i],
                    p.pooledPages(), p.allocatedPages() - pages, p.pendingPages() + pages, p.reservedPages(),
                    p.purgedPages(), p.hits(), p.misses(), p.zeroedFrees(), p.releasedFrees(), p.pressureFrees()));
        }
        return adjusted;
    }

    /**
     * Returns once everything freed before the call has been zeroed and pooled or given back,
     * except chunks of buffers whose generation still has a live buffer (or a scope held by a
     * downcall): zeroes the per-CPU pools' dirty chunks on the calling thread (waiting, up to ten
     * seconds per CPU, for chunks an idle zeroer is zeroing at that moment: it runs only when
     * its CPU is free), seals the current buffer generation if freed buffers wait in it, then
     * drains the free list on the calling
     * thread (see {@link DeferredFreeList#drain()}). For tests, benchmarks and orderly pauses;
     * allocation never needs it.
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
            if (cpuPools != null) {
                cpuPools.zeroDirtyHere(); // after the retirements, which hand chunks to them
            }
            // The idle worker may have sealed a generation and deferred its retirement after
            // our drain marker: go round until no retirement is in flight. A scope that a
            // downcall holds is retried for up to DRAIN_RETRY_NANOS, then left for later.
            again = recycler.retirementsInFlight() > 0 || generations.retirementPending()
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
     *
     * @throws UnsupportedOperationException on the process-wide heap of {@link Heaps#system()}
     * @throws IllegalStateException         if the heap is already closed
     */
    @Override
    public void close() {
        if (processWide) {
            throw new UnsupportedOperationException("heap '" + name + "': the process-wide heap of Heaps.system() is "
                    + "shared by everything in the process and cannot be closed (build your own with "
                    + "SystemHeap.builder() to close it); its memory goes back to the OS when the process exits");
        }
        closeNow();
    }

    /** The close itself; also for a process-wide heap whose build failed. */
    private void closeNow() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("heap '" + name + "': already closed");
        }
        registrations.removeAll();
        sharedArenas.closeAll();
        try {
            for (Generation generation : generations.sealAll()) {
                if (generation.tryCloseScope()) {
                    try {
                        recycler.freeWaiting(generation.takeWaiting(), FreeReason.UNDER_PRESSURE);
                    } catch (RuntimeException e) { // counted by freeWaiting; go on closing
                        LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': a free failed", e);
                    } finally {
                        generations.finished(generation);
                    }
                } else {
                    LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': a buffer generation is in"
                            + " use (a downcall or I/O on one of its segments); its memory goes back when"
                            + " its last buffer is closed");
                }
            }
        } finally {
            // Each step runs even if one before it failed (an unmap that fails throws): the
            // first failure is thrown once all have run.
            RuntimeException failure = null;
            if (cpuPools != null) {
                failure = runCounting(failure, cpuPools::close);
            }
            if (freeList != null) {
                failure = runCounting(failure, freeList::close); // frees everything pending; given back since closed
            }
            failure = runCounting(failure, () -> pools.shrinkPools(Long.MAX_VALUE));
            if (failure != null) {
                throw failure;
            }
        }
    }

    private RuntimeException runCounting(RuntimeException failure, Runnable step) {
        try {
            step.run();
            return failure;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "heap '" + name + "': a step of close() failed; the others ran", e);
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    @Override
    public String toString() {
        return "SystemHeap[" + name + (closed ? ", closed]" : "]");
    }

    /** Returns the heap's deferred free list, null on a synchronous heap; for tests. */
    DeferredFreeList freeList() {
        return freeList;
    }

    /** Returns the heap's leak detection; for tests. */
    LeakDetector leakDetector() {
        return leaks;
    }

    /** Returns how many close() steps that free no memory failed (logged); for tests. */
    long closeFailures() {
        return registrations.closeFailures();
    }

    /** Has the reclaimer tick this heap's idle decay; called by the builder. */
    private void startIdleDecay(Duration decayTime) {
        if (decayTime.isZero()) {
            return;
        }
        IdleDecay decay = new IdleDecay(decayTime.toNanos());
        registrations.registerDecay(reclaimer, decay.tickNanos(), () -> closed ? 0 : decayTick(decay));
    }

    /**
     * One idle-decay tick (on the reclaim thread): also seals the buffer generation if freed
     * buffers wait in it, so buffers closed after the worker went idle are recycled within a
     * tick rather than at the next allocation or free.
     */
    private long decayTick(IdleDecay decay) {
        generations.sealIfWaiting();
        if (cpuPools != null) {
            cpuPools.decay();
        }
        return pools.decay(decay);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("heap '" + name + "' is closed");
        }
    }

    /** The last reference of a buffer is gone; called by {@link HeapBuffer}. */
    void release(Chunk chunk, Lease lease) {
        recycler.release(chunk, lease);
        if (cpuPools != null) {
            cpuPools.nudge(); // so that the CPU's idle zeroer seals the generation when the CPU idles
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
            if (cpuPools != null) {
                Chunk chunk = cpuPools.take(byteSize);
                if (chunk != null) {
                    return chunk;
                }
            }
            allocator.requireValidSize(byteSize);
            return allocator.allocate(byteSize);
        }

        @Override
        public void releaseChunks(Chunk[] chunks, int count) {
            int left = cpuPools == null || closed ? count : cpuPools.offer(chunks, count);
            if (left > 0) {
                recycler.releaseArenaChunks(chunks, left);
            }
        }

        @Override
        public void arenaClosed(HeapArena arena) {
            sharedArenas.remove(arena);
        }
    }

    /** Where chunks that leave the CPU pools go: the shared pools, the deferred list, the OS. */
    private final class CpuPoolSink implements CpuPools.Sink {
        @Override
        public void returnClean(Chunk chunk) {
            pools.poolZeroed(chunk);
        }

        @Override
        public void returnDirty(Chunk chunk) {
            recycler.releaseArenaChunks(new Chunk[] {chunk}, 1);
        }

        @Override
        public void release(Chunk chunk) {
            pools.markPending(chunk);
            pools.free(chunk, FreeReason.UNDER_PRESSURE);
        }

        @Override
        public Chunk takeForRefill(long byteSize) {
            if (closed || reclaimer.underPressure()) {
                return null;
            }
            Chunk chunk = pools.tryTakeForTransfer(byteSize);
            if (chunk == null && refillPools) {
                freeList.requestIdleAction(); // the worker maps the shortfall; the next round takes it
            }
            return chunk;
        }
    }

    /**
     * Builds a {@link SystemHeap}. Not thread-safe. Worst-case memory: the heap never holds more
     * than {@link #maxBytes} from the OS; within that, each size class pools at most
     * {@link #poolCapBytes} (plus one chunk per freer running at once), each CPU's pool at most
     * {@link #cpuPoolBytes}, and a generation of buffers can pin about twice
     * {@link #generationMaxBytes} per CPU of freed chunks while one of its buffers stays open.
     */
    public static final class Builder {
        /**
         * The system property that turns the process-wide heap's JMX bean off
         * ({@code -Dzeroheap.jmx=false}); other heaps choose with {@link #jmx(boolean)}.
         */
        public static final String JMX_PROPERTY = "zeroheap.jmx";

        /** The most bytes {@link #cpuPoolBytes} accepts. */
        public static final long MAX_CPU_POOL_BYTES = 1L << 30;

        private String name = "heap";
        /** Set by {@link Heaps#system()} only. */
        private boolean processWide;
        private long pageSize;
        private long maxBytes = Long.MAX_VALUE;
        private boolean deferredFree = true;
        private String workerName;
        private int workerNice = DeferredFreeList.DEFAULT_WORKER_NICE;
        private Duration workerLinger = DeferredFreeList.DEFAULT_WORKER_LINGER;
        private long poolCapBytes = 32L << 20;
        private long maxClassByteSize = 32L << 20;
        private boolean populate = true;
        private boolean transparentHugePages = true;
        private long generationMaxBuffers = 1024;
        private long generationMaxBytes = 8L << 20;
        private boolean portableMemory;
        private boolean refillPools = true;
        private boolean cpuPools = true;
        /** Negative: from the CPU's level-2 cache (see cpuPoolBytes). */
        private long cpuPoolBytes = -1;
        private long cpuPoolMaxChunkBytes = -1;
        private boolean idleZeroing = true;
        private boolean register = true;
        private Duration idleDecay = Duration.ofSeconds(10);
        private Reclaimer reclaimer;
        private MemorySource memorySource;
        private double faultProbability;
        private long faultSeed;
        private Boolean jmx;
        /** Null: not set; build() reads the system property then. */
        private LeakDetection leakDetection;
        /** The leak sample rate's clock; tests replace it. */
        private java.util.function.LongSupplier leakClock = System::nanoTime;

        private Builder() {
        }

        /**
         * Sets the heap's name (default {@code heap}; {@code system} is taken by {@link Heaps#system()}); it must be unique among registered
         * heaps.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder name(String name) {
            Checks.requireNonBlank(name, "name");
            if (name.equals(Heaps.SYSTEM)) {
                throw new IllegalArgumentException("name: \"" + name + "\" (expected: another name; \""
                        + Heaps.SYSTEM + "\" is the process-wide heap's, see Heaps.system())");
            }
            this.name = name;
            return this;
        }

        /**
         * Makes the heap the process-wide one of {@link Heaps#system()}: named {@value Heaps#SYSTEM},
         * never closed, its JMX bean (unless the system property {@value #JMX_PROPERTY} is
         * {@code false}), idle decay and JFR statistics set up on a background thread, off the
         * first allocation's path.
         */
        Builder processWide() {
            this.name = Heaps.SYSTEM;
            this.processWide = true;
            this.jmx = !"false".equalsIgnoreCase(System.getProperty(JMX_PROPERTY, "true").strip());
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
         * Sets how long the idle worker keeps looking for freed chunks before it parks until a
         * free wakes it (default {@link DeferredFreeList#DEFAULT_WORKER_LINGER}, 5 ms;
         * {@link Duration#ZERO} parks at once). A lingering worker spares the first free of
         * each burst the cost of waking it (4-10 µs here); see
         * {@link DeferredFreeList.Builder#workerLinger}.
         *
         * @throws NullPointerException     if {@code linger} is null
         * @throws IllegalArgumentException if negative or longer than
         *                                  {@link DeferredFreeList#MAX_WORKER_LINGER}
         */
        public Builder workerLinger(Duration linger) {
            this.workerLinger = DeferredFreeList.requireValidLinger(linger);
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
         * Sets how many buffers allocated on one CPU share a scope generation before it is
         * sealed (default 1024), once the generation has lived long enough for its scope close
         * to cost little beside it: at least 10 ms, and 20 times what recent closes took (a close
         * is a handshake with every thread of the JVM: tens of microseconds with one thread
         * running, milliseconds with more runnable threads than cores).
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder generationMaxBuffers(long buffers) {
            this.generationMaxBuffers = Checks.requirePositive(buffers, "generationMaxBuffers");
            return this;
        }

        /**
         * Sets how many bytes of buffers allocated on one CPU share a scope generation before it
         * is sealed (default 8 MiB), under the same age rule as {@link #generationMaxBuffers};
         * past twice this it is sealed whatever its age. One long-lived buffer can pin its
         * generation's freed chunks until it is closed: worst case twice this per CPU that
         * allocated buffers, plus the buffer that crossed the limit (which may be large); under
         * pressure the pinned pages are purged, so it then costs address space, not memory.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder generationMaxBytes(long bytes) {
            this.generationMaxBytes = Checks.requirePositive(bytes, "generationMaxBytes");
            return this;
        }

        /**
         * Sets whether the idle worker refills shared pools that allocations found short (they
         * zeroed a pending chunk themselves) with fresh, pre-faulted chunks (default true), so a
         * repeated burst is served from the pool. Worst
         * case it holds a pool cap per size class that missed; pressure and {@link #shrink}
         * give it back.
         */
        public Builder refillPools(boolean refillPools) {
            this.refillPools = refillPools;
            return this;
        }

        /**
         * Sets whether the heap keeps per-CPU pools of small chunks (default true; only with
         * deferred frees). A heap arena's chunk, when the arena closes, goes dirty into the
         * pool of the CPU that closed it, where the next allocation of its size on that CPU
         * finds it still in the CPU's cache: already zeroed if the CPU idled meanwhile (its
         * idle zeroer, see {@link #idleZeroing}), or zeroed then by the allocating thread, at
         * cache speed. Chunks above {@link #cpuPoolMaxChunkBytes}, and those that do not fit,
         * take the shared path: the deferred free list, its worker, the shared pools. Worst
         * case each CPU's pool holds {@link #cpuPoolBytes}; idle decay hands unused classes
         * back to the shared pools every tenth of {@link #idleDecay}, and pressure gives them
         * back to the OS first.
         */
        public Builder cpuPools(boolean cpuPools) {
            this.cpuPools = cpuPools;
            return this;
        }

        /**
         * Sets the most bytes each CPU's pool holds, clean and dirty (default: eight times one
         * core's share of the level-2 cache, between 2 and 32 MiB; 8 MiB where unknown).
         *
         * @throws IllegalArgumentException if not positive or above {@value #MAX_CPU_POOL_BYTES}
         *                                  (1 GiB: each CPU pool keeps a slot per chunk that fits)
         */
        public Builder cpuPoolBytes(long cpuPoolBytes) {
            Checks.requirePositive(cpuPoolBytes, "cpuPoolBytes");
            if (cpuPoolBytes > MAX_CPU_POOL_BYTES) {
                throw new IllegalArgumentException("cpuPoolBytes: " + cpuPoolBytes + " (expected: at most "
                        + MAX_CPU_POOL_BYTES + ", 1 GiB)");
            }
            this.cpuPoolBytes = cpuPoolBytes;
            return this;
        }

        /**
         * Sets the largest chunk the CPU pools keep (default: one core's share of the level-2
         * cache, between 64 KiB and 4 MiB; 256 KiB where unknown). Larger chunks come from
         * memory whichever core zeroed them, and the worker's zeroing on the other core is a
         * plain gain for them.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder cpuPoolMaxChunkBytes(long maxChunkBytes) {
            this.cpuPoolMaxChunkBytes = Checks.requirePositive(maxChunkBytes, "cpuPoolMaxChunkBytes");
            return this;
        }

        /**
         * Sets whether idle zeroers zero the CPU pools' dirty chunks (default true). One daemon
         * thread per CPU, shared by every heap, bound to its CPU in Linux's {@code SCHED_IDLE}
         * class: it runs only when the CPU has nothing else to run, so the next allocation on
         * that CPU gets a chunk that is zeroed and warm. It polls for 50 ms after its last work
         * (a timer tick each 0.5 ms) and then waits until a free wakes it. Where threads cannot
         * be bound to a CPU (no Linux, no native access) there are none, and the allocating
         * thread zeroes instead.
         */
        public Builder idleZeroing(boolean idleZeroing) {
            this.idleZeroing = idleZeroing;
            return this;
        }

        /** The CPU pools' largest chunk: as set, or one core's L2 share (64 KiB-4 MiB; 256 KiB where unknown). */
        long cpuPoolMaxChunkBytes() {
            if (cpuPoolMaxChunkBytes > 0) {
                return cpuPoolMaxChunkBytes;
            }
            java.util.OptionalLong l2 = Cpus.level2BytesPerCore(); // no stream: the first heap's build path
            return l2.isPresent() ? Math.clamp(l2.getAsLong(), 64L << 10, 4L << 20) : 256L << 10;
        }

        /** The CPU pools' cap per CPU: as set, or 8 L2 shares (2-32 MiB; 8 MiB where unknown). */
        long cpuPoolBytes() {
            if (cpuPoolBytes > 0) {
                return cpuPoolBytes;
            }
            java.util.OptionalLong l2 = Cpus.level2BytesPerCore();
            return l2.isPresent() ? Math.clamp(8 * l2.getAsLong(), 2L << 20, 32L << 20) : 8L << 20;
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

        /** Sets the clock of the sampled leak detection's rate cap; for tests. */
        Builder leakClock(java.util.function.LongSupplier nanoClock) {
            this.leakClock = Checks.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * TESTING ONLY: makes a share of the heap's calls into the OS fail ({@code mmap}
         * refuses, {@code munmap}, {@code madvise} and zeroing fail), to see that a program,
         * and the heap, survive them: every allocation either succeeds with zeroed memory or
         * fails with a clear exception, and nothing is lost from the accounts. Off by default;
         * never in production. {@link SystemHeap#injectedFaults()} counts them and
         * {@link SystemHeap#stopInjectingFaults()} ends them.
         *
         * @param probability the share of calls that fail, 0 (off) to 1
         * @param seed        seeds which calls fail (one thread repeats exactly)
         * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
         */
        public Builder injectFaults(double probability, long seed) {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability: " + probability + " (expected: 0 to 1)");
            }
            this.faultProbability = probability;
            this.faultSeed = seed;
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
         * @throws IllegalStateException    if the JVM denies zeroheap native access (the message
         *                                  names the {@code --enable-native-access} flag to add)
         */
        public SystemHeap build() {
            requireNativeAccess();
            // The property only when no level was set, so a bad value cannot break a builder that sets one.
            LeakDetector leaks = leakDetection != null
                    ? new LeakDetector(name, leakDetection, false, leakClock)
                    : new LeakDetector(name, LeakDetection.fromSystemProperty(), true, leakClock);
            MemorySource source = memorySource != null ? memorySource
                    : portableMemory ? new ArenaMemorySource() : MemorySource.platformDefault();
            if (faultProbability > 0) {
                source = new FaultInjectingSource(source, faultProbability, faultSeed);
            }
            if (pageSize != 0 && pageSize % source.pageSize() != 0) {
                throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: a multiple of the OS page size "
                        + source.pageSize() + ")");
            }
            SystemHeap heap = new SystemHeap(this, source, leaks);
            if (register) {
                try {
                    Heaps.register(heap);
                } catch (RuntimeException e) {
                    try {
                        heap.closeNow(); // the process-wide one too: it never served anyone
                    } catch (RuntimeException again) {
                        e.addSuppressed(again);
                    }
                    throw e;
                }
                heap.registrations.registerWithSystem(heap.pools.classes().pageSize() / source.pageSize(),
                        heap.cpuPools, heap.freeList, heap.pinnedPurger, heap.pools);
            }
            if (processWide) { // JMX, the decay's reclaim thread and JFR load ~1000 classes: not on this path
                boolean withBean = jmx;
                Thread.ofPlatform().name("zeroheap-system-init").daemon().start(() -> startObservers(heap, withBean));
                return heap;
            }
            if (jmx != null ? jmx : register) {
                try {
                    heap.registrations.registerMXBean();
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
            heap.registrations.addPeriodicStats();
            return heap;
        }

        /**
         * Every segment a heap hands out is made with a restricted method
         * ({@code MemorySegment.reinterpret}), so a JVM that denies zeroheap native access
         * ({@code --illegal-native-access=deny}) could build a heap but not allocate: say so now.
         */
        @SuppressWarnings("restricted") // the probe: a zero-length view of NULL
        private static void requireNativeAccess() {
            try {
                MemorySegment ignored = MemorySegment.NULL.reinterpret(0);
            } catch (IllegalCallerException e) {
                throw new IllegalStateException("zeroheap needs native access to make its segments: run the JVM with "
                        + "--enable-native-access=io.zeroheap (on the module path) or --enable-native-access=ALL-UNNAMED"
                        + " (on the class path)", e);
            }
        }

        /** The process-wide heap's JMX bean, idle decay and JFR statistics; a failure is logged. */
        private void startObservers(SystemHeap heap, boolean withBean) {
            if (withBean) {
                try {
                    heap.registrations.registerMXBean();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, () -> "heap '" + heap.name + "': no JMX bean ("
                            + e.getMessage() + "); -D" + JMX_PROPERTY + "=false skips it", e);
                }
            }
            try {
                heap.startIdleDecay(idleDecay);
                heap.registrations.addPeriodicStats();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "heap '" + heap.name + "': idle decay or JFR statistics "
                        + "did not start", e);
            }
        }
    }
}
