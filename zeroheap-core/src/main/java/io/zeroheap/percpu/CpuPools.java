package io.zeroheap.percpu;

import io.zeroheap.Shrinker;
import io.zeroheap.os.Cpus;
import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PagePool;
import io.zeroheap.pool.SizeClasses;
import io.zeroheap.util.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * One heap's {@link CpuPool}s, one per CPU, for the size classes up to a bound (about one
 * core's level-2 cache): the first place an allocation looks and the first place a freed chunk
 * goes. An allocation takes from the pool of the CPU it runs on; a closed arena's chunks go,
 * dirty, into the pool of the CPU that closes it; the CPU's {@link IdleZeroer} zeroes them when
 * the CPU idles. See the package note for why.
 *
 * <p>A chunk in a CPU pool is still <em>allocated</em> as far as the heap's shared pools are
 * concerned: this layer sits above them, like a cache of chunks lent out. It counts its own
 * chunks as pooled (clean) or pending (dirty), and {@link #adjust} moves them there in a
 * statistics snapshot, so the heap's accounting identity holds.
 *
 * <p>Thread-safety: every method may be called from any thread. The pool for a CPU is created
 * on first use (one CAS). Where the CPU cannot be known, threads are spread over the pools by
 * thread id: the pools still save the shared pools' lock, but not the trip between cores.
 */
public final class CpuPools implements Shrinker {

    /** How long a drain waits for an idle zeroer to hand back what it holds. */
    private static final long ZEROER_WAIT_NANOS = 10_000_000_000L;

    /** Where chunks that leave the CPU pools go: the heap's shared path. */
    public interface Sink {

        /** A zeroed chunk leaves (idle decay): pool it in the shared pools, or give it back. */
        void returnClean(Chunk chunk);

        /** A dirty chunk leaves (idle decay): free it as any freed chunk (it is zeroed later). */
        void returnDirty(Chunk chunk);

        /** A chunk leaves under pressure or at close: give it back to the OS. */
        void release(Chunk chunk);

        /**
         * Returns a zeroed chunk of {@code byteSize} bytes from the shared pools for an idle
         * zeroer to refill a CPU pool with, or null if none is pooled or its pool's lock is
         * taken (then the shortfall is recorded for the heap's worker to map more), or the heap
         * should not grow now (pressure, a closed heap). Never blocks: an idle-priority thread
         * calls it, and must not hold up others by holding a lock when it is preempted.
         */
        Chunk takeForRefill(long byteSize);
    }

    private final SizeClasses classes;
    private final int classCount;
    private final long capBytesPerCpu;
    private final MemorySource source;
    private final Sink sink;
    private final boolean idleZeroing;
    private final IntConsumer onIdle;
    private final AtomicReferenceArray<CpuPool> pools;
    private final AtomicLong releasedLate = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param classes         the heap's size classes
     * @param maxChunkBytes   the largest chunk kept (classes above it are not)
     * @param capBytesPerCpu  the most bytes each CPU's pool holds
     * @param source          zeroes dirty chunks
     * @param sink            where chunks that leave go
     * @param idleZeroing     whether idle zeroers zero dirty chunks (false: the taking thread does)
     * @param onIdle          run by an idle zeroer after each round of its CPU's idle work, on
     *                        that CPU's idle time, with the CPU's number (the heap seals its
     *                        buffer generation if buffers closed on that CPU wait in it)
     */
    public CpuPools(SizeClasses classes, long maxChunkBytes, long capBytesPerCpu, MemorySource source, Sink sink,
                    boolean idleZeroing, IntConsumer onIdle) {
        this.onIdle = onIdle;
        this.classes = classes;
        int kept = 0;
        while (kept < classes.count() && classes.byteSize(kept) <= maxChunkBytes) {
            kept++;
        }
        this.classCount = kept;
        this.capBytesPerCpu = capBytesPerCpu;
        this.source = source;
        this.sink = sink;
        this.idleZeroing = idleZeroing && Cpus.isCurrentKnown();
        this.pools = new AtomicReferenceArray<>(Cpus.configured());
    }

    /** Returns how many size classes, from the smallest, the CPU pools keep. */
    public int classCount() {
        return classCount;
    }

    /**
     * Returns a zeroed chunk for {@code byteSize} bytes from the calling CPU's pool: one the
     * idle zeroer zeroed, or, failing that, the most recently freed one, zeroed here while it is
     * still warm in this CPU's cache. Never waits.
     *
     * @return the chunk, or null if the size is not kept here, the pool has none of its class,
     *         or another thread holds the pool's lock
     * @throws RuntimeException if zeroing a dirty chunk failed (the chunk went to the shared
     *                          path, dirty, to be zeroed there)
     */
    public Chunk take(long byteSize) {
        int index = classes.indexOf(byteSize);
        if (index < 0 || index >= classCount) {
            return null;
        }
        CpuPool pool = current();
        return pool == null ? null : pool.take(index, sink::returnDirty);
    }

    /**
     * Offers the first {@code count} chunks of a closed arena to the calling CPU's pool; those
     * it takes are removed from the array, which is compacted. Never waits.
     *
     * @return how many chunks are left at the front of {@code chunks}, for the caller to free
     *         elsewhere
     */
    public int offer(Chunk[] chunks, int count) {
        if (closed) {
            return count;
        }
        CpuPool pool = null;
        int left = 0;
        for (int i = 0; i < count; i++) {
            Chunk chunk = chunks[i];
            if (chunk.classIndex() >= 0 && chunk.classIndex() < classCount) {
                if (pool == null) {
                    pool = current();
                    if (pool == null) {
                        return count; // no CPU pool yet: all of them to the shared path
                    }
                }
                if (pool.offer(chunk)) {
                    continue;
                }
            }
            chunks[left++] = chunk;
        }
        if (pool != null && left < count) {
            pool.wakeZeroer();
        }
        for (int i = left; i < count; i++) {
            chunks[i] = null;
        }
        return left;
    }

    /**
     * Offers a chunk that is allocated from the shared pools' point of view (a retired buffer's)
     * to the pool of CPU {@code cpu} (the calling CPU's if unknown), dirty. Never waits.
     *
     * @return true if that pool took it
     */
    public boolean offerTo(int cpu, Chunk chunk) {
        int index = chunk.classIndex();
        if (closed || index < 0 || index >= classCount) {
            return false;
        }
        CpuPool pool = cpu >= 0 && cpu < pools.length() ? pool(cpu, true) : current();
        if (pool == null || !pool.offer(chunk)) {
            return false;
        }
        pool.wakeZeroer();
        return true;
    }

    /**
     * Wakes the calling CPU's idle zeroer if it is parked (a volatile read otherwise), so that
     * it runs the idle action once the CPU idles; after a buffer was closed. Lock-free.
     */
    public void nudge() {
        int cpu = Cpus.current();
        if (cpu >= 0 && cpu < pools.length()) {
            CpuPool pool = pools.getPlain(cpu);
            if (pool != null) {
                pool.wakeZeroer();
            }
        }
    }

    /** Runs the owner's idle action; called by idle zeroers, on their CPU's idle time. */
    void idle(int cpu) {
        onIdle.accept(cpu);
    }

    /**
     * The calling CPU's pool, created on first use; null while the CPU cannot be known yet (the
     * first milliseconds of a JVM, before {@code sched_getcpu} is linked: a pool made then for
     * a slot would keep that CPU from its idle zeroer), and the caller uses the shared pools.
     */
    private CpuPool current() {
        int cpu = Cpus.current();
        int length = pools.length();
        if (cpu >= 0 && cpu < length) {
            return pool(cpu, true);
        }
        if (idleZeroing && Cpus.isCurrentKnown()) {
            return null; // CPU numbers are coming: until then, the shared path
        }
        return pool(Math.floorMod(Thread.currentThread().threadId(), length), false);
    }

    private CpuPool pool(int index, boolean cpuKnown) {
        CpuPool pool = pools.getPlain(index);
        return pool != null ? pool : create(index, cpuKnown);
    }

    private CpuPool create(int index, boolean cpuKnown) {
        IdleZeroer zeroer = idleZeroing && cpuKnown ? IdleZeroer.forCpu(index) : null;
        CpuPool created = new CpuPool(index, classes, classCount, capBytesPerCpu, source, zeroer);
        if (!pools.compareAndSet(index, null, created)) {
            return pools.get(index);
        }
        if (zeroer != null) {
            zeroer.register(created, this);
        }
        if (closed) { // closed meanwhile: the close may not have seen it
            created.unregisterFromZeroer();
            created.drainTo(sink::release, true);
        }
        return created;
    }

    /**
     * Zeroes every CPU pool's dirty chunks on the calling thread, and waits up to ten seconds per
     * pool for chunks an idle zeroer is zeroing; for the heap's {@code drain()}.
     *
     * @throws RuntimeException the first zeroing that failed (that chunk stays dirty)
     */
    public void zeroDirtyHere() {
        for (int i = 0; i < pools.length(); i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                pool.zeroDirtyHere(ZEROER_WAIT_NANOS, this::releaseLate);
            }
        }
    }

    /**
     * Pages held by every CPU pool, clean and dirty: what {@link #scan} can give back (an
     * estimate under concurrency).
     */
    @Override
    public long count() {
        long bytes = 0;
        for (int i = 0; i < pools.length(); i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                bytes += pool.heldBytesEstimate();
            }
        }
        return bytes / classes.pageSize();
    }

    /**
     * Gives back to the OS what the CPU pools hold, pool by pool, until {@code nrToScan}
     * pages were given back or all are empty. Never waits for an idle zeroer (a shrink may run
     * on an allocating thread): what a zeroer holds now it gives back itself when it is done.
     *
     * @return pages given back
     * @throws IllegalArgumentException if {@code nrToScan < 0}
     */
    @Override
    public long scan(long nrToScan) {
        Checks.requireNonNegative(nrToScan, "nrToScan");
        long freedBytes = 0;
        for (int i = 0; i < pools.length() && freedBytes / classes.pageSize() < nrToScan; i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                freedBytes += pool.drainTo(sink::release, false);
            }
        }
        return freedBytes / classes.pageSize();
    }

    /** Returns 0: chunks near idle CPUs are the cheapest memory to give back, as pending frees are. */
    @Override
    public int seeks() {
        return 0;
    }

    /**
     * One idle-decay tick: each CPU pool hands the classes nobody used since the last tick to
     * the shared pools (clean chunks pooled there as they are, dirty ones freed to be zeroed),
     * whose own decay then gives them back to the OS gradually.
     *
     * @return bytes handed over
     */
    public long decay() {
        long bytes = 0;
        for (int i = 0; i < pools.length(); i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                bytes += pool.drainUnusedTo(this::returnToShared);
            }
        }
        return bytes;
    }

    private void returnToShared(Chunk chunk) {
        if (chunk.dirty) {
            chunk.dirty = false; // the shared path zeroes it
            sink.returnDirty(chunk);
        } else {
            sink.returnClean(chunk);
        }
    }

    /**
     * Gives back everything the CPU pools hold and refuses every later offer; a chunk an idle
     * zeroer holds now is given back when it is done. Called once, by the closing heap.
     */
    public void close() {
        closed = true;
        RuntimeException failure = null;
        for (int i = 0; i < pools.length(); i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                try {
                    pool.drainTo(sink::release, true); // an unmap that fails stops no other pool
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                } finally {
                    pool.unregisterFromZeroer();
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A refill for an idle zeroer: a chunk of class {@code index} from the shared pools, or null. */
    Chunk takeForRefill(int index) {
        if (closed) {
            return null;
        }
        return sink.takeForRefill(classes.byteSize(index));
    }

    /** A chunk an idle zeroer finished after its pool was closed or shrunk: give it back. */
    void releaseLate(Chunk chunk) {
        releasedLate.incrementAndGet();
        sink.release(chunk);
    }

    /**
     * Takes the lock of every CPU pool that exists now, for a statistics snapshot consistent with
     * the shared pools' (taken next, under their own locks). Pools created later are empty until
     * the caller is done. Pair with {@link Locked#close()} in a try-with-resources block.
     */
    public Locked lockAll() {
        List<CpuPool> locked = new ArrayList<>();
        for (int i = 0; i < pools.length(); i++) {
            CpuPool pool = pools.get(i);
            if (pool != null) {
                pool.lock();
                locked.add(pool);
            }
        }
        return new Locked(locked);
    }

    /** The CPU pools {@link #lockAll()} locked; {@link #close()} unlocks them. */
    public final class Locked implements AutoCloseable {
        private final List<CpuPool> locked;

        private Locked(List<CpuPool> locked) {
            this.locked = locked;
        }

        /**
         * Moves the chunks the locked CPU pools hold from "allocated" to "pooled" (clean) and
         * "pending" (dirty) in a snapshot of the shared pools taken while these locks are held,
         * and sums the CPU pools' counters.
         *
         * @param perPool the shared pools' snapshot, one entry per size class, then huge chunks
         * @return the adjusted snapshot and the counters
         */
        public Snapshot adjust(List<PagePool.PoolStats> perPool) {
            long[] clean = new long[classCount];
            long[] dirty = new long[classCount];
            long[] takes = new long[classCount];
            long[] totals = new long[5];
            for (CpuPool pool : locked) {
                pool.snapshotInto(clean, dirty, takes, totals);
            }
            List<PagePool.PoolStats> adjusted = new ArrayList<>(perPool.size());
            for (int index = 0; index < perPool.size(); index++) {
                PagePool.PoolStats p = perPool.get(index);
                if (index >= classCount || (clean[index] == 0 && dirty[index] == 0 && takes[index] == 0)) {
                    adjusted.add(p);
                    continue;
                }
                long chunkPages = p.chunkByteSize() / classes.pageSize();
                long cleanChunks = clean[index];
                long dirtyChunks = dirty[index];
                adjusted.add(new PagePool.PoolStats(p.chunkByteSize(), p.pooledChunks() + cleanChunks,
                        p.allocatedChunks() - cleanChunks - dirtyChunks, p.pooledPages() + cleanChunks * chunkPages,
                        p.allocatedPages() - (cleanChunks + dirtyChunks) * chunkPages,
                        p.pendingPages() + dirtyChunks * chunkPages, p.reservedPages(), p.purgedPages(),
                        p.hits() + takes[index], p.misses(), p.zeroedFrees(), p.releasedFrees(), p.pressureFrees()));
            }
            return new Snapshot(adjusted, totals[0], totals[1], totals[2], totals[3], totals[4], releasedLate.get());
        }

        /** Unlocks the CPU pools. */
        @Override
        public void close() {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).unlock();
            }
        }
    }

    /**
     * The CPU pools in one statistics snapshot.
     *
     * @param perPool      the shared pools' snapshot with the CPU pools' chunks moved to
     *                     pooled and pending
     * @param cleanTakes   allocations served with a chunk an idle zeroer had zeroed
     * @param dirtyTakes   allocations served with a freed chunk zeroed on the allocating thread
     * @param zeroedIdle   chunks the idle zeroers zeroed
     * @param offers       freed chunks the CPU pools took
     * @param heldBytes    bytes the CPU pools hold
     * @param releasedLate chunks an idle zeroer finished after their pool had closed or shrunk
     */
    public record Snapshot(List<PagePool.PoolStats> perPool, long cleanTakes, long dirtyTakes, long zeroedIdle,
                           long offers, long heldBytes, long releasedLate) {
    }
}
