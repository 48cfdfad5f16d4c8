package io.zeroheap.percpu;

import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The chunks one heap keeps near one CPU: per size class, a stack of clean (zeroed) chunks and
 * a stack of dirty ones (freed, not yet zeroed), newest on top, within a byte cap. Threads on
 * the CPU take from it and give back to it; the CPU's {@link IdleZeroer} zeroes its dirty
 * chunks while the CPU would otherwise idle.
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>The owner lock</b> ({@code locked}: CAS 0 to 1, release store of 0) guards the clean
 *       stacks, every count and the closed check. Allocating and freeing threads only ever
 *       <em>try</em> it ({@link #take}, {@link #offer}): if another thread holds it they go
 *       to the heap's shared pools instead, so nobody waits on this CPU's pool. Maintenance
 *       ({@link #drainTo}, {@link #snapshotInto}) spins for it, backing off; every holder holds
 *       it for a few field writes only, never across zeroing or a system call.</li>
 *   <li><b>Dirty stacks</b> ({@code dirty[class]}, Treiber stacks linked by
 *       {@link Chunk#nextLocal}): pushed and popped only under the owner lock, and emptied
 *       whole (one {@code getAndSet}) by the idle zeroer, which never takes the lock. Every
 *       push and pop holds the lock, so no chunk can come back onto a stack while a pop is in
 *       flight: a pop's CAS fails only because the zeroer emptied the stack, and there is no
 *       ABA.</li>
 *   <li><b>The zeroed stack</b> ({@code zeroed}): the zeroer pushes each chunk it zeroed (CAS,
 *       a release: the zeroes are visible to whoever takes the chunk); a lock holder takes it
 *       whole (one {@code getAndSet}) and moves the chunks onto the clean stacks, oldest
 *       zeroed first, so the most recently zeroed, the warmest, is handed out first.</li>
 *   <li><b>Counts</b>: a chunk counts as dirty from {@link #offer} until a lock holder moves it
 *       from the zeroed stack to a clean stack, wherever it is meanwhile (a dirty stack, the
 *       zeroer's hands, the zeroed stack), so the counts read under the lock always add up to
 *       the chunks this pool holds.</li>
 *   <li><b>Closing</b>: {@link #drainTo} sets {@code closed} under the lock; later offers are
 *       refused under the same lock. The zeroer reads {@code closed} after each push, so a chunk
 *       it pushes after the final drain is drained by the zeroer itself ({@link #work}).</li>
 * <li><b>Demand</b> ({@code demand[class]}, atomic adds): each take that found no clean
 *     chunk and zeroed a dirty one counts one; the zeroer takes the counts ({@code getAndSet})
 *     and refills that many clean chunks from the heap's shared pools, zeroed on this CPU and
 *     pushed onto the zeroed stack marked {@link Chunk#adopted}; the lock holder that moves
 *     them starts counting them. So a burst that reuses one chunk over and over finds, after
 *     the next idle spell, one clean chunk for each of its allocations.</li>
 * </ul>
 * The idle-work hint {@code hasWork} is a volatile flag: set after a push or a demand, cleared
 * by the zeroer before it looks, so no work is missed.
 */
public final class CpuPool {

    private static final VarHandle DEMAND = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LOCKED;
    private static final VarHandle ZEROED;
    private static final VarHandle DIRTY = MethodHandles.arrayElementVarHandle(Chunk[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCKED = lookup.findVarHandle(CpuPool.class, "locked", int.class);
            ZEROED = lookup.findVarHandle(CpuPool.class, "zeroed", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int cpu;
    private final long capBytes;
    /** Null where no idle zeroer serves this pool (the taking thread zeroes). */
    private final IdleZeroer zeroer;
    /** Heads of the dirty stacks, one per class; accessed through {@code DIRTY} only. */
    private final Chunk[] dirty;
    @SuppressWarnings("unused") // through LOCKED
    private volatile int locked;
    /** Chunks the zeroer zeroed, newest first; accessed through {@code ZEROED}. */
    @SuppressWarnings("unused")
    private volatile Chunk zeroed;
    private volatile boolean hasWork;
    private volatile boolean closed;
    /** Set by the zeroer while it holds chunks it took off the stacks; for drains. */
    private volatile boolean zeroing;

    // Guarded by the owner lock.
    private final Chunk[][] clean;
    private final int[] cleanCount;
    private final int[] dirtyCount;
    private final long[] takes;
    /** Dirty takes per class since the zeroer last looked; through {@code DEMAND} only. */
    private final int[] demand;
    /** Whether a thread took from or gave to each class since the last drainUnusedTo. */
    private final boolean[] used;
    private long heldBytes;
    private long hits;
    private long zeroedOnTake;
    private long zeroedIdle;
    private long offers;

    /**
     * @param cpu        the CPU this pool belongs to (its idle zeroer's)
     * @param classCount how many size classes, from the smallest, the pool keeps
     * @param capBytes   the most bytes it holds, clean and dirty together
     * @param zeroer     the CPU's idle zeroer; null for none
     */
    CpuPool(int cpu, int classCount, long capBytes, IdleZeroer zeroer) {
        this.cpu = cpu;
        this.capBytes = capBytes;
        this.zeroer = zeroer;
        this.dirty = new Chunk[classCount];
        this.clean = new Chunk[classCount][];
        this.cleanCount = new int[classCount];
        this.dirtyCount = new int[classCount];
        this.takes = new long[classCount];
        this.demand = new int[classCount];
        this.used = new boolean[classCount];
    }

    /** Returns the CPU this pool belongs to. */
    int cpu() {
        return cpu;
    }

    /**
     * Takes a chunk of class {@code index}: the most recently zeroed clean one, else the most
     * recently freed dirty one ({@link Chunk#dirty} set: the caller zeroes it, while it is still
     * warm in this CPU's cache). Never waits.
     *
     * @return the chunk, or null if the pool has none of the class or another thread holds
     *         the lock
     */
    Chunk take(int index) {
        if (!tryLock()) {
            return null;
        }
        try {
            if ((Chunk) ZEROED.getOpaque(this) != null) { // racy peek; the take is atomic
                moveZeroedLocked();
            }
            used[index] = true;
            int n = cleanCount[index];
            if (n > 0) {
                Chunk chunk = clean[index][--n];
                clean[index][n] = null;
                cleanCount[index] = n;
                heldBytes -= chunk.byteSize();
                hits++;
                takes[index]++;
                return chunk;
            }
            Chunk chunk = popDirtyLocked(index);
            if (chunk != null) {
                dirtyCount[index]--;
                heldBytes -= chunk.byteSize();
                zeroedOnTake++;
                takes[index]++;
                DEMAND.getAndAdd(demand, index, 1);
                announceWork();
            }
            return chunk;
        } finally {
            unlock();
        }
    }

    /**
     * Keeps a chunk its user let go of, dirty, if the pool is open, has room for it and its lock
     * is free. Never waits.
     *
     * @return true if the pool took the chunk; false if the caller must free it elsewhere
     */
    boolean offer(Chunk chunk) {
        if (!tryLock()) {
            return false;
        }
        try {
            if (closed || heldBytes + chunk.byteSize() > capBytes) {
                return false;
            }
            int index = chunk.classIndex();
            used[index] = true;
            chunk.dirty = true;
            pushDirtyLocked(index, chunk);
            dirtyCount[index]++;
            heldBytes += chunk.byteSize();
            offers++;
        } finally {
            unlock();
        }
        announceWork();
        return true;
    }

    /** Wakes the idle zeroer if it is parked, after dirty chunks were offered. Lock-free. */
    void wakeZeroer() {
        if (zeroer != null) {
            zeroer.wake();
        }
    }

    /** Stops the idle zeroer from zeroing this pool; for a closing heap. */
    void unregisterFromZeroer() {
        if (zeroer != null) {
            zeroer.unregister(this);
        }
    }

    /**
     * Sets the work hint after a push or a demand. A volatile read first, and a write only if
     * the hint is clear: within a burst every call but the first is a read, not a fence. If the
     * read sees the hint set, the zeroer's clearing write comes later in the synchronization
     * order than this read, hence after the push that preceded it, and the zeroer's scan, which
     * follows its clearing write, sees the push.
     */
    private void announceWork() {
        if (!hasWork) {
            hasWork = true;
        }
    }

    /** Whether dirty chunks may wait here (a hint for the zeroer; volatile read). */
    boolean hasWork() {
        return hasWork;
    }

    /** Takes a chunk of a size class from the heap's shared pools for a refill; null to stop. */
    interface Refill {
        Chunk take(int index);
    }

    /**
     * The idle zeroer's work: zeroes every dirty chunk and pushes each onto the zeroed stack,
     * then refills each class with as many clean chunks as takes found none since the last
     * call (within the cap), taken from {@code refill} and zeroed here so they are warm in this
     * CPU's cache. Runs without the owner lock. A chunk whose zeroing failed is pushed all the
     * same, still {@link Chunk#dirty}, and goes back onto its dirty stack when a lock holder
     * moves it. A chunk pushed after the pool was drained for good is drained here into
     * {@code lateSink}.
     *
     * @return chunks zeroed
     * @throws RuntimeException the first zeroing that failed (the other chunks are zeroed all
     *                          the same, later failures suppressed)
     */
    int work(MemorySource source, Refill refill, Consumer<Chunk> lateSink) {
        zeroing = true;
        try {
            return workWhileMarked(source, refill, lateSink);
        } finally {
            zeroing = false;
        }
    }

    private int workWhileMarked(MemorySource source, Refill refill, Consumer<Chunk> lateSink) {
        hasWork = false; // before looking: a push or a demand after this sets it again
        int zeroedChunks = 0;
        RuntimeException failure = null;
        for (int index = 0; index < dirty.length; index++) {
            if (DIRTY.getOpaque(dirty, index) == null) {
                continue;
            }
            Chunk chunk = (Chunk) DIRTY.getAndSet(dirty, index, (Chunk) null);
            while (chunk != null) {
                Chunk next = chunk.nextLocal;
                try {
                    source.zero(chunk.address(), chunk.byteSize());
                    chunk.dirty = false;
                    zeroedChunks++;
                } catch (RuntimeException e) {
                    failure = firstOf(failure, e);
                }
                pushZeroed(chunk);
                chunk = next;
            }
        }
        long room = capBytes - heldBytes; // a racy read: the cap may be passed by a chunk or two
        for (int index = 0; index < dirty.length && room > 0 && failure == null; index++) {
            for (int wanted = (int) DEMAND.getAndSet(demand, index, 0); wanted > 0; wanted--) {
                Chunk chunk = refill.take(index);
                if (chunk == null) {
                    break;
                }
                room -= chunk.byteSize();
                try {
                    source.zero(chunk.address(), chunk.byteSize()); // it reads zero: this warms it here
                } catch (RuntimeException e) {
                    chunk.dirty = true; // unknown state: zeroed again before use
                    failure = firstOf(failure, e);
                }
                chunk.adopted = true;
                pushZeroed(chunk);
                zeroedChunks++;
                if (room <= 0) {
                    break;
                }
            }
        }
        if (closed) { // read after the pushes: either the final drain saw them or we see this
            for (Chunk chunk = takeZeroed(); chunk != null; ) {
                Chunk next = chunk.nextLocal;
                chunk.nextLocal = null;
                chunk.adopted = false;
                lateSink.accept(chunk);
                chunk = next;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return zeroedChunks;
    }

    private static RuntimeException firstOf(RuntimeException first, RuntimeException e) {
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }

    /**
     * Zeroes every dirty chunk on the calling thread and moves it to the clean stacks, then
     * waits (parking, so that a zeroer on this CPU can run) until the idle zeroer has handed
     * back what it holds, at most {@code maxWaitNanos}; for the heap's {@code drain()}. Waits
     * for the lock.
     *
     * @return true if nothing is left dirty or in the zeroer's hands
     * @throws RuntimeException the first zeroing that failed (that chunk stays dirty)
     */
    boolean zeroDirtyHere(MemorySource source, long maxWaitNanos) {
        Chunk taken = null;
        lock();
        try {
            moveZeroedLocked();
            for (int index = 0; index < dirty.length; index++) {
                Chunk chunk;
                while ((chunk = popDirtyLocked(index)) != null) { // still counted dirty
                    chunk.nextLocal = taken;
                    taken = chunk;
                }
            }
        } finally {
            unlock();
        }
        RuntimeException failure = null;
        for (Chunk chunk = taken; chunk != null; chunk = chunk.nextLocal) {
            try {
                source.zero(chunk.address(), chunk.byteSize());
                chunk.dirty = false;
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        while (zeroing && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        lock();
        try {
            for (Chunk chunk = taken; chunk != null; ) {
                Chunk next = chunk.nextLocal;
                chunk.nextLocal = null;
                int index = chunk.classIndex();
                if (chunk.dirty) {
                    pushDirtyLocked(index, chunk);
                } else {
                    dirtyCount[index]--;
                    pushCleanLocked(index, chunk);
                }
                chunk = next;
            }
            moveZeroedLocked();
        } finally {
            unlock();
        }
        if (failure != null) {
            throw failure;
        }
        return !zeroing && (Chunk) ZEROED.getOpaque(this) == null;
    }

    /**
     * Empties the pool into {@code sink} (clean chunks with {@link Chunk#dirty} clear, dirty ones
     * with it set); with {@code close}, refuses every later offer. Waits for the lock. Chunks the
     * zeroer is zeroing now are not among them: the zeroer pushes them back when done, to be
     * drained by a later call, or, once the pool is closed, by the zeroer itself.
     *
     * @return the bytes drained
     */
    long drainTo(Consumer<Chunk> sink, boolean close) {
        return drain(sink, close, false);
    }

    /**
     * Empties the classes that no thread took from or gave to since the last call into
     * {@code sink}, as {@link #drainTo} does; for the idle decay. Waits for the lock.
     *
     * @return the bytes drained
     */
    long drainUnusedTo(Consumer<Chunk> sink) {
        return drain(sink, false, true);
    }

    private long drain(Consumer<Chunk> sink, boolean close, boolean unusedOnly) {
        lock();
        Chunk drained = null;
        long bytes = 0;
        try {
            if (close) {
                closed = true;
            }
            moveZeroedLocked();
            for (int index = 0; index < clean.length; index++) {
                if (unusedOnly && used[index]) {
                    used[index] = false;
                    continue;
                }
                DEMAND.getAndSet(demand, index, 0); // emptied on purpose: no refill for what went before
                Chunk chunk;
                while ((chunk = popDirtyLocked(index)) != null) {
                    dirtyCount[index]--;
                    heldBytes -= chunk.byteSize();
                    bytes += chunk.byteSize();
                    chunk.nextLocal = drained;
                    drained = chunk;
                }
                for (int n = cleanCount[index]; n > 0; n--) {
                    chunk = clean[index][n - 1];
                    clean[index][n - 1] = null;
                    heldBytes -= chunk.byteSize();
                    bytes += chunk.byteSize();
                    chunk.nextLocal = drained;
                    drained = chunk;
                }
                cleanCount[index] = 0;
            }
        } finally {
            unlock();
        }
        for (Chunk chunk = drained; chunk != null; ) { // outside the lock: the sink may unmap
            Chunk next = chunk.nextLocal;
            chunk.nextLocal = null;
            sink.accept(chunk);
            chunk = next;
        }
        return bytes;
    }

    /**
     * Adds this pool's chunks per class to {@code cleanChunks} and {@code dirtyChunks}, its takes
     * per class to {@code takesPerClass}, and its counters to {@code totals} (hits, zeroed on take, zeroed idle, offers, bytes held). The
     * caller holds this pool's lock ({@link #lock()}).
     */
    void snapshotInto(long[] cleanChunks, long[] dirtyChunks, long[] takesPerClass, long[] totals) {
        moveZeroedLocked();
        for (int index = 0; index < clean.length; index++) {
            cleanChunks[index] += cleanCount[index];
            dirtyChunks[index] += dirtyCount[index];
            takesPerClass[index] += takes[index];
        }
        totals[0] += hits;
        totals[1] += zeroedOnTake;
        totals[2] += zeroedIdle;
        totals[3] += offers;
        totals[4] += heldBytes;
    }

    /**
     * Waits, parking (so a zeroer on the caller's CPU can run), until the idle zeroer holds no
     * chunk of this pool, at most {@code maxWaitNanos}.
     *
     * @return true if it holds none
     */
    boolean awaitZeroerIdle(long maxWaitNanos) {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (zeroing && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        return !zeroing;
    }

    /** Returns the bytes held now, read without the lock (an estimate under concurrency). */
    long heldBytesEstimate() {
        return heldBytes;
    }

    /** Takes the owner lock, spinning and backing off until it is free; for maintenance. */
    void lock() {
        for (int spins = 0; !tryLock(); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 200) {
                Thread.yield();
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000);
            }
        }
    }

    /** Releases the owner lock (a release store: what was written under it is published). */
    void unlock() {
        LOCKED.setRelease(this, 0);
    }

    private boolean tryLock() {
        return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    private void pushDirtyLocked(int index, Chunk chunk) {
        Chunk head;
        do { // the zeroer may empty the stack meanwhile
            head = (Chunk) DIRTY.getAcquire(dirty, index);
            chunk.nextLocal = head;
        } while (!DIRTY.compareAndSet(dirty, index, head, chunk));
    }

    private Chunk popDirtyLocked(int index) {
        Chunk head;
        do {
            head = (Chunk) DIRTY.getAcquire(dirty, index);
            if (head == null) {
                return null;
            }
        } while (!DIRTY.compareAndSet(dirty, index, head, head.nextLocal));
        head.nextLocal = null;
        return head;
    }

    private void pushZeroed(Chunk chunk) {
        Chunk head;
        do {
            head = (Chunk) ZEROED.getAcquire(this);
            chunk.nextLocal = head;
        } while (!ZEROED.compareAndSet(this, head, chunk));
    }

    private Chunk takeZeroed() {
        return (Chunk) ZEROED.getAndSet(this, (Chunk) null);
    }

    /** Moves what the zeroer zeroed onto the clean stacks; caller holds the lock. */
    private void moveZeroedLocked() {
        Chunk newestFirst = takeZeroed();
        if (newestFirst == null) {
            return;
        }
        Chunk oldestFirst = null; // reverse, so the most recently zeroed ends on top
        while (newestFirst != null) {
            Chunk next = newestFirst.nextLocal;
            newestFirst.nextLocal = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        for (Chunk chunk = oldestFirst; chunk != null; ) {
            Chunk next = chunk.nextLocal;
            chunk.nextLocal = null;
            int index = chunk.classIndex();
            if (chunk.adopted) { // a refill: counted from now on
                chunk.adopted = false;
                heldBytes += chunk.byteSize();
                dirtyCount[index]++;
            }
            if (chunk.dirty) { // its zeroing failed: dirty again, still counted so
                pushDirtyLocked(index, chunk);
                hasWork = true;
            } else {
                dirtyCount[index]--;
                pushCleanLocked(index, chunk);
                zeroedIdle++;
            }
            chunk = next;
        }
    }

    private void pushCleanLocked(int index, Chunk chunk) {
        Chunk[] stack = clean[index];
        int n = cleanCount[index];
        if (stack == null) {
            stack = clean[index] = new Chunk[8];
        } else if (n == stack.length) {
            stack = clean[index] = Arrays.copyOf(stack, n * 2);
        }
        stack[n] = chunk;
        cleanCount[index] = n + 1;
    }

    @Override
    public String toString() {
        return "CpuPool[cpu " + cpu + ", " + heldBytes + " bytes]";
    }
}
