package io.zeroheap.percpu;

import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.SizeClasses;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The chunks one heap keeps near one CPU: per size class, a stack of clean (zeroed) chunks and
 * a stack of dirty ones (freed, not yet zeroed), newest on top, within a byte cap. Threads on
 * the CPU take from it and give back to it; the CPU's {@link IdleZeroer} zeroes its dirty
 * chunks while the CPU would otherwise idle.
 *
 * <h2>Layout</h2>
 * Everything a take or an offer writes lives in this pool's own arrays: one {@code Chunk[]}
 * holds every class's two stacks (class {@code i} owns the slots {@code [base(i), base(i+1))},
 * as many as chunks of the class fit in the cap; its clean stack grows up from the bottom of
 * that range, its dirty stack down from the top, and since the pool never holds more than its
 * cap they never meet), and one {@code long[]} holds the per-class counts. Both arrays and the
 * hot scalar fields are padded, so two CPUs' pools never share a cache line, and no chunk
 * object is written on the hot path (chunks of one slab are neighbours in memory, and lent to
 * different CPUs).
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>The lock</b> ({@code locked}: CAS 0 to 1, release store of 0) guards both stacks of
 *       every class, every count and the closed check; a holder holds it for a few field
 *       writes, never across zeroing or a system call. Allocating and freeing threads and the
 *       idle zeroer only ever <em>try</em> it ({@link #take}, {@link #offer},
 *       {@link #work}): if it is taken they go elsewhere (the heap's shared pools; for the
 *       zeroer, another round), so nobody waits on this CPU's pool and an idle-priority zeroer
 *       preempted inside its few instructions holds up no thread. Maintenance
 *       ({@link #drainTo}, {@link #lock()} for snapshots) spins for it, backing off.</li>
 *   <li><b>The zeroer</b> takes a class's dirty chunks off their stack under the lock (they stay
 *       counted dirty while it holds them), zeroes them without it, and puts them on the clean
 *       stack under the lock again; if the lock is taken then, it hands them over through the
 *       lock-free <b>zeroed stack</b> ({@code zeroed}, linked by {@link Chunk#nextLocal}: a CAS
 *       push, a release, so the zeroes are visible to whoever takes the chunk), which the next
 *       lock holder moves onto the clean stacks. A chunk whose zeroing failed goes back dirty.</li>
 *   <li><b>Demand</b>: each take that found no clean chunk and zeroed a dirty one counts one
 *       for its class; the zeroer reads and resets the counts under the lock and refills that
 *       many clean chunks from the heap's shared pools, zeroed on this CPU, so a burst that
 *       reuses one chunk over and over finds, after the next idle spell, one clean chunk for
 *       each of its allocations.</li>
 *   <li><b>Closing</b>: {@link #drainTo} sets {@code closed} under the lock; later offers are
 *       refused, and the zeroer, which checks {@code closed} when it holds chunks, hands what it
 *       holds to the late sink instead of putting it back, booked out of the counts under the
 *       lock (also when it had pushed them on the zeroed stack before it saw the close).</li>
 * </ul>
 * The idle-work hint {@code hasWork} is a volatile flag: set after a push or a demand, cleared
 * by the zeroer before it looks, so no work is missed.
 */
public final class CpuPool extends CpuPoolState {

    /** Unused slots at each end of the arrays: 128 bytes, so no neighbour shares their lines. */
    private static final int PAD = 32;
    private static final int CLEAN = 0;
    private static final int DIRTY_ON_STACK = 1;
    /** Dirty chunks counted, wherever they are: on the stack, in the zeroer's hands, zeroed stack. */
    private static final int DIRTY = 2;
    private static final int TAKES = 3;
    private static final int DEMAND = 4;
    private static final int USED = 5;
    private static final int STRIDE = 6;
    /**
     * The most chunks of one class a round refills: a burst's worth. A sustained loop that
     * never lets its CPU idle runs up demand without bound, and refilling all of it would fill
     * the pool with chunks that are cold again by the time the loop gets to them.
     */
    static final int MAX_REFILL_PER_CLASS = 16;
    /** The most bytes the idle zeroer zeroes in one downcall. */
    static final long ZERO_SLICE_BYTES = 256 * 1024;

    private final int cpu;
    private final int classCount;
    private final long capBytes;
    private final long[] classBytes;
    /** Slot ranges of each class in {@code slots}: class i owns [base[i], base[i + 1]). */
    private final int[] base;
    private final Chunk[] slots;
    private final long[] counts;
    private final MemorySource source;
    /** Null where no idle zeroer serves this pool (the taking thread zeroes). */
    private final IdleZeroer zeroer;

    /**
     * @param cpu        the CPU this pool belongs to (its idle zeroer's)
     * @param classes    the heap's size classes
     * @param classCount how many size classes, from the smallest, the pool keeps
     * @param capBytes   the most bytes it holds, clean and dirty together
     * @param source     zeroes dirty chunks
     * @param zeroer     the CPU's idle zeroer; null for none
     */
    CpuPool(int cpu, SizeClasses classes, int classCount, long capBytes, MemorySource source, IdleZeroer zeroer) {
        this.cpu = cpu;
        this.classCount = classCount;
        this.capBytes = capBytes;
        this.source = source;
        this.zeroer = zeroer;
        this.classBytes = new long[classCount];
        this.base = new int[classCount + 1];
        int next = PAD;
        for (int index = 0; index < classCount; index++) {
            classBytes[index] = classes.byteSize(index);
            base[index] = next;
            next += (int) Math.max(1, capBytes / classBytes[index]);
        }
        base[classCount] = next;
        this.slots = new Chunk[next + PAD];
        this.counts = new long[PAD + classCount * STRIDE + PAD];
    }

    /** Returns the CPU this pool belongs to. */
    int cpu() {
        return cpu;
    }

    private int at(int index, int field) {
        return PAD + index * STRIDE + field;
    }

    /**
     * Takes a zeroed chunk of class {@code index}: the most recently zeroed clean one, else the
     * most recently freed dirty one, zeroed here while it is still warm in this CPU's cache.
     * Never waits.
     *
     * @param ifZeroingFails gets the chunk, dirty, if zeroing it here fails (then the failure
     *                       is thrown)
     * @return the chunk, or null if the pool has none of the class or another thread holds
     *         the lock
     * @throws RuntimeException if zeroing a dirty chunk failed
     */
    Chunk take(int index, Consumer<Chunk> ifZeroingFails) {
        if (!tryLock()) {
            return null;
        }
        Chunk chunk;
        boolean dirty = false;
        try {
            if ((Chunk) ZEROED.getOpaque(this) != null) { // racy peek; the take is atomic
                moveZeroedLocked();
            }
            counts[at(index, USED)] = 1;
            chunk = popCleanLocked(index);
            if (chunk == null) {
                chunk = popDirtyLocked(index);
                if (chunk == null) {
                    return null;
                }
                dirty = true;
                counts[at(index, DIRTY)]--;
                counts[at(index, DEMAND)]++;
                zeroedOnTake++;
            } else {
                counts[at(index, CLEAN)]--;
                hits++;
            }
            counts[at(index, TAKES)]++;
            heldBytes -= classBytes[index];
        } finally {
            unlock();
        }
        if (dirty) {
            announceWork(); // the demand
            try {
                source.zero(chunk.address(), chunk.byteSize());
            } catch (RuntimeException e) {
                ifZeroingFails.accept(chunk);
                throw e;
            }
        }
        return chunk;
    }

    /**
     * Keeps a chunk its user let go of, dirty, if the pool is open, has room for it and its lock
     * is free. Never waits.
     *
     * @return true if the pool took the chunk; false if the caller must free it elsewhere
     */
    boolean offer(Chunk chunk) {
        int index = chunk.classIndex();
        if (!tryLock()) {
            return false;
        }
        try {
            if (closed || heldBytes + classBytes[index] > capBytes) {
                return false;
            }
            counts[at(index, USED)] = 1;
            pushDirtyLocked(index, chunk);
            counts[at(index, DIRTY)]++;
            heldBytes += classBytes[index];
            offers++;
        } finally {
            unlock();
        }
        announceWork();
        return true;
    }

    /**
     * Sets the work hint after a push or a demand. A volatile read first, and a write only if
     * the hint is clear: within a burst every call but the first is a read, not a fence. If the
     * read sees the hint set, the zeroer's clearing write comes later in the synchronization
     * order than this read, hence after the push that preceded it, and the zeroer's look, which
     * follows its clearing write, sees the push.
     */
    private void announceWork() {
        if (!hasWork) {
            hasWork = true;
        }
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

    /** Whether work may wait here for the zeroer (a hint; volatile read). */
    boolean hasWork() {
        return hasWork;
    }

    /** Takes a chunk of a size class from the heap's shared pools for a refill; null to stop. */
    interface Refill {
        Chunk take(int index);
    }

    /**
     * The idle zeroer's work: zeroes the dirty chunks of every class and puts them on the clean
     * stacks, then refills each class with as many clean chunks as takes found none since the
     * last call (within the cap), taken from {@code refill} and zeroed here so they are warm in
     * this CPU's cache. If the lock is taken the round stops early; nothing waits. A chunk it
     * holds when the pool closes goes to {@code lateSink}.
     *
     * @return chunks zeroed
     * @throws RuntimeException the first zeroing that failed (that chunk went back dirty; the
     *                          others are zeroed all the same)
     */
    int work(Refill refill, Consumer<Chunk> lateSink) {
        hasWork = false; // before looking: a push or a demand after this sets it again
        zeroing = true;
        try {
            int zeroed = 0;
            RuntimeException failure = null;
            Chunk[] held = new Chunk[16];
            for (int index = 0; index < classCount; index++) {
                int n = takeDirty(index, held);
                if (n < 0) {
                    hasWork = true; // the lock is taken: a thread runs here again; later
                    return zeroed;
                }
                for (int i = 0; i < n; i++) {
                    try {
                        zeroInSlices(held[i]);
                        zeroed++;
                    } catch (RuntimeException e) {
                        failure = firstOf(failure, e);
                        held[i].dirty = true; // put back dirty
                    }
                }
                putBack(held, n, lateSink, false, zeroerEpoch);
            }
            if (failure == null) {
                zeroed += refill(refill, lateSink);
            }
            if (failure != null) {
                throw failure;
            }
            return zeroed;
        } finally {
            zeroing = false;
        }
    }

    /**
     * Moves class {@code index}'s dirty stack into {@code into} (they stay counted dirty).
     *
     * @return how many, or -1 if the lock was taken
     */
    private int takeDirty(int index, Chunk[] into) {
        if (!tryLock()) {
            return -1;
        }
        try {
            zeroerEpoch = shrinks;
            int n = 0;
            Chunk chunk;
            while (n < into.length && (chunk = popDirtyLocked(index)) != null) { // newest first
                into[n++] = chunk;
            }
            if (counts[at(index, DIRTY_ON_STACK)] > 0) {
                hasWork = true; // the rest next round
            }
            return n;
        } finally {
            unlock();
        }
    }

    /**
     * Puts chunks the zeroer held back: clean ones on their clean stack, those marked
     * {@link Chunk#dirty} (their zeroing failed) back on the dirty stack; refills (marked
     * {@link Chunk#adopted}) fill the room reserved for them. Through the zeroed stack if the
     * lock is taken. To {@code lateSink} if the pool closed, or was shrunk, since the zeroer
     * took them ({@code epoch}, the shrink count then): a shrink does not wait for the zeroer,
     * it has the zeroer give back what it held.
     */
    private void putBack(Chunk[] held, int n, Consumer<Chunk> lateSink, boolean adopted, long epoch) {
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            held[i].adopted = adopted;
        }
        if (tryLock()) {
            boolean giveBack = closed || shrinks != epoch;
            try {
                for (int i = 0; i < n; i++) {
                    if (giveBack) {
                        uncountLocked(held[i]);
                    } else {
                        placeLocked(held[i], true);
                        held[i] = null;
                    }
                }
            } finally {
                unlock();
            }
            if (giveBack) {
                for (int i = 0; i < n; i++) {
                    held[i].dirty = false;
                    held[i].adopted = false;
                }
                handAll(held, n, lateSink); // outside the lock: the sink unmaps
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            pushZeroed(held[i]);
            held[i] = null;
        }
        if (closed) { // read after the pushes: either the final drain saw them or we see this
            drainZeroedTo(lateSink);
        }
    }

    /** Books out a chunk the zeroer held that leaves the pool; caller holds the lock. */
    private void uncountLocked(Chunk chunk) {
        heldBytes -= classBytes[chunk.classIndex()]; // a refill's reservation, or the chunk
        if (!chunk.adopted) {
            counts[at(chunk.classIndex(), DIRTY)]--;
        }
    }

    /**
     * Refills classes by their demand; returns chunks added. The room is reserved under the
     * lock before the chunks are taken (so offers meanwhile cannot overfill the pool), and
     * what was not used is given back after.
     */
    private int refill(Refill refill, Consumer<Chunk> lateSink) {
        int[] wanted = new int[classCount];
        if (!tryLock()) {
            return 0;
        }
        long reserved = 0;
        long epoch;
        try {
            long room = capBytes / 2 - heldBytes; // refills leave half the cap to what threads free
            for (int index = 0; index < classCount; index++) {
                long want = Math.min(MAX_REFILL_PER_CLASS, counts[at(index, DEMAND)]);
                counts[at(index, DEMAND)] = 0;
                want = Math.min(want, Math.max(0, room / classBytes[index]));
                wanted[index] = (int) want;
                room -= want * classBytes[index];
                reserved += want * classBytes[index];
            }
            heldBytes += reserved;
            epoch = shrinks;
        } finally {
            unlock();
        }
        if (reserved == 0) {
            return 0;
        }
        int added = 0;
        long unused = reserved;
        Chunk[] held = new Chunk[1];
        try {
            for (int index = 0; index < classCount; index++) {
                for (int w = wanted[index]; w > 0; w--) {
                    Chunk chunk = refill.take(index);
                    if (chunk == null) {
                        return added;
                    }
                    unused -= classBytes[index];
                    try {
                        zeroInSlices(chunk); // it reads zero: this warms it here
                    } catch (RuntimeException e) {
                        chunk.dirty = true; // kept dirty: a take or a later round zeroes it
                    }
                    held[0] = chunk;
                    putBack(held, 1, lateSink, true, epoch);
                    added++;
                }
            }
            return added;
        } finally {
            if (unused > 0) {
                lock();
                try {
                    heldBytes -= unused;
                } finally {
                    unlock();
                }
            }
        }
    }

    /**
     * Zeroes a chunk in slices of {@value #ZERO_SLICE_BYTES} bytes: a zeroing downcall cannot
     * be stopped at a safepoint, and the idle-priority zeroer may be preempted inside one, so
     * each stays short.
     */
    private void zeroInSlices(Chunk chunk) {
        long address = chunk.address();
        long size = chunk.byteSize();
        for (long offset = 0; offset < size; offset += ZERO_SLICE_BYTES) {
            source.zero(address + offset, Math.min(ZERO_SLICE_BYTES, size - offset));
        }
    }

    /**
     * Books and stacks a chunk taken off the stacks to be zeroed; caller holds the lock.
     *
     * @param byZeroer whether the idle zeroer zeroed it (counted in {@code zeroedIdle})
     */
    private void placeLocked(Chunk chunk, boolean byZeroer) {
        int index = chunk.classIndex();
        if (chunk.adopted) { // a refill: its bytes were reserved; counted from now on
            chunk.adopted = false;
            counts[at(index, DIRTY)]++;
        }
        if (chunk.dirty) { // its zeroing failed: dirty again, still counted so
            chunk.dirty = false;
            pushDirtyLocked(index, chunk);
            hasWork = true;
        } else {
            counts[at(index, DIRTY)]--;
            pushCleanLocked(index, chunk);
            counts[at(index, CLEAN)]++;
            if (byZeroer) {
                zeroedIdle++;
            }
        }
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
     * for the lock. Chunks it zeroed while the pool was being closed go to {@code lateSink}.
     *
     * @throws RuntimeException the first zeroing that failed (that chunk stays dirty)
     */
    void zeroDirtyHere(long maxWaitNanos, Consumer<Chunk> lateSink) {
        for (int index = 0; index < classCount; index++) {
            Chunk[] taken;
            lock();
            try {
                int n = (int) counts[at(index, DIRTY_ON_STACK)];
                taken = new Chunk[n];
                for (int i = 0; i < n; i++) {
                    taken[i] = popDirtyLocked(index); // still counted dirty
                }
            } finally {
                unlock();
            }
            RuntimeException failure = null;
            for (Chunk chunk : taken) {
                try {
                    source.zero(chunk.address(), chunk.byteSize());
                } catch (RuntimeException e) {
                    failure = firstOf(failure, e);
                    chunk.dirty = true;
                }
            }
            boolean closedMeanwhile;
            lock();
            try {
                closedMeanwhile = closed;
                for (Chunk chunk : taken) {
                    if (closedMeanwhile) {
                        uncountLocked(chunk); // the final drain did not see these
                    } else {
                        placeLocked(chunk, false);
                    }
                }
            } finally {
                unlock();
            }
            if (closedMeanwhile) {
                for (Chunk chunk : taken) {
                    chunk.dirty = false;
                }
                handAll(taken, taken.length, lateSink);
            }
            if (failure != null) {
                throw failure;
            }
        }
        awaitZeroerIdle(maxWaitNanos);
        lock();
        try {
            moveZeroedLocked();
        } finally {
            unlock();
        }
    }

    /**
     * Empties the pool into {@code sink} (a dirty chunk first with {@link Chunk#dirty} set);
     * with {@code close}, refuses every later offer. Waits for the lock. Chunks the zeroer holds
     * now are not among them: it puts them back when done, to be drained by a later call, or,
     * once the pool is closed, hands them to its late sink.
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
        Chunk[] drained = new Chunk[16];
        int n = 0;
        long bytes = 0;
        lock();
        try {
            if (close) {
                closed = true;
            }
            if (!unusedOnly) {
                shrinks++; // what the zeroer holds now is given back when it is done
            }
            if (close) {
                moveZeroedEvenIfClosedLocked();
            } else {
                moveZeroedLocked();
            }
            for (int index = 0; index < classCount; index++) {
                if (unusedOnly && counts[at(index, USED)] != 0) {
                    counts[at(index, USED)] = 0;
                    continue;
                }
                counts[at(index, DEMAND)] = 0; // emptied on purpose: no refill for what went before
                Chunk chunk;
                while ((chunk = popDirtyLocked(index)) != null) {
                    chunk.dirty = true;
                    counts[at(index, DIRTY)]--;
                    drained = add(drained, n++, chunk);
                }
                while ((chunk = popCleanLocked(index)) != null) {
                    chunk.dirty = false;
                    counts[at(index, CLEAN)]--;
                    drained = add(drained, n++, chunk);
                }
            }
            for (int i = 0; i < n; i++) {
                bytes += drained[i].byteSize();
            }
            heldBytes -= bytes;
        } finally {
            unlock();
        }
        handAll(drained, n, sink); // outside the lock: the sink may unmap
        return bytes;
    }

    /**
     * Hands the first {@code n} chunks to {@code sink}, clearing the array; one the sink fails
     * on (an unmap that fails) does not keep the others from it.
     *
     * @throws RuntimeException the first failure, the later ones suppressed
     */
    private static void handAll(Chunk[] chunks, int n, Consumer<Chunk> sink) {
        RuntimeException failure = null;
        for (int i = 0; i < n; i++) {
            try {
                sink.accept(chunks[i]);
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
            chunks[i] = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Chunk[] add(Chunk[] array, int at, Chunk chunk) {
        Chunk[] target = at == array.length ? Arrays.copyOf(array, array.length * 2) : array;
        target[at] = chunk;
        return target;
    }

    /**
     * Adds this pool's chunks per class to {@code cleanChunks} and {@code dirtyChunks}, its takes
     * per class to {@code takesPerClass}, and its counters to {@code totals} (clean takes, dirty
     * takes, zeroed idle, offers, bytes held). The caller holds this pool's lock ({@link #lock()}).
     */
    void snapshotInto(long[] cleanChunks, long[] dirtyChunks, long[] takesPerClass, long[] totals) {
        moveZeroedLocked();
        for (int index = 0; index < classCount; index++) {
            cleanChunks[index] += counts[at(index, CLEAN)];
            dirtyChunks[index] += counts[at(index, DIRTY)];
            takesPerClass[index] += counts[at(index, TAKES)];
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
            LockSupport.parkNanos(1_000_000); // asleep, not waking every few µs: an idle-priority zeroer runs only when its CPU is free
        }
        return !zeroing;
    }

    /** Returns the bytes held now, read without the lock (an estimate under concurrency). */
    long heldBytesEstimate() {
        return (long) HELD_BYTES.getOpaque(this);
    }

    /** Takes the lock, spinning and backing off until it is free; for maintenance. */
    void lock() {
        for (int spins = 0; !tryLock(); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 200) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    /** Releases the lock (a release store: what was written under it is published). */
    void unlock() {
        LOCKED.setRelease(this, 0);
    }

    private boolean tryLock() {
        return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    private Chunk popCleanLocked(int index) {
        int n = (int) counts[at(index, CLEAN)]; // every clean chunk is on the stack
        if (n == 0) {
            return null;
        }
        int slot = base[index] + n - 1;
        Chunk chunk = slots[slot];
        slots[slot] = null;
        return chunk;
    }

    private void pushCleanLocked(int index, Chunk chunk) {
        requireRoomLocked(index);
        slots[base[index] + (int) counts[at(index, CLEAN)]] = chunk;
    }

    private Chunk popDirtyLocked(int index) {
        int n = (int) counts[at(index, DIRTY_ON_STACK)];
        if (n == 0) {
            return null;
        }
        int slot = base[index + 1] - n;
        Chunk chunk = slots[slot];
        slots[slot] = null;
        counts[at(index, DIRTY_ON_STACK)] = n - 1;
        return chunk;
    }

    private void pushDirtyLocked(int index, Chunk chunk) {
        requireRoomLocked(index);
        int n = (int) counts[at(index, DIRTY_ON_STACK)] + 1;
        slots[base[index + 1] - n] = chunk;
        counts[at(index, DIRTY_ON_STACK)] = n;
    }

    /** The pool never holds more than its cap, so a class's two stacks never meet; checked. */
    private void requireRoomLocked(int index) {
        if (counts[at(index, CLEAN)] + counts[at(index, DIRTY_ON_STACK)] >= base[index + 1] - base[index]) {
            throw new IllegalStateException(this + ": class " + index + " has no free slot (held bytes "
                    + heldBytes + ", cap " + capBytes + ")");
        }
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

    /**
     * Hands what is on the zeroed stack to {@code sink}, booked out of the pool first (under the
     * lock, which guards the counts: the final drain holds it briefly, if at all); for a zeroer
     * that pushed there and then saw the pool closed.
     */
    private void drainZeroedTo(Consumer<Chunk> sink) {
        Chunk taken;
        lock();
        try {
            taken = takeZeroed();
            for (Chunk chunk = taken; chunk != null; chunk = chunk.nextLocal) {
                uncountLocked(chunk); // before adopted is cleared: a refill's bytes were only reserved
            }
        } finally {
            unlock();
        }
        RuntimeException failure = null;
        for (Chunk chunk = taken; chunk != null; ) {
            Chunk next = chunk.nextLocal;
            chunk.nextLocal = null;
            chunk.adopted = false;
            try {
                sink.accept(chunk);
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
            chunk = next;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Moves what the zeroer handed over through the zeroed stack; caller holds the lock. Once
     * the pool is closed it leaves them: the zeroer that pushed them hands them to its late
     * sink (a pool closed after the final drain is never drained again).
     */
    private void moveZeroedLocked() {
        if (closed) {
            return;
        }
        moveZeroedEvenIfClosedLocked();
    }

    /** {@link #moveZeroedLocked()} for the closing drain itself, which empties the pool after. */
    private void moveZeroedEvenIfClosedLocked() {
        for (Chunk chunk = takeZeroed(); chunk != null; ) {
            Chunk next = chunk.nextLocal;
            chunk.nextLocal = null;
            placeLocked(chunk, true);
            chunk = next;
        }
    }

    @Override
    public String toString() {
        return "CpuPool[cpu " + cpu + ", " + heldBytesEstimate() + " bytes]";
    }
}

/** Padding before the hot fields (class-hierarchy padding, as JCTools does). */
abstract class CpuPoolPad {
    @SuppressWarnings("unused")
    private long pad00, pad01, pad02, pad03, pad04, pad05, pad06, pad07;
    @SuppressWarnings("unused")
    private long pad08, pad09, pad10, pad11, pad12, pad13, pad14, pad15;
}

/** The hot fields of a {@link CpuPool}; the subclasses' padding keeps other objects off their lines. */
abstract class CpuPoolFields extends CpuPoolPad {
    static final VarHandle LOCKED;
    static final VarHandle ZEROED;
    static final VarHandle HELD_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCKED = lookup.findVarHandle(CpuPoolFields.class, "locked", int.class);
            ZEROED = lookup.findVarHandle(CpuPoolFields.class, "zeroed", Chunk.class);
            HELD_BYTES = lookup.findVarHandle(CpuPoolFields.class, "heldBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The lock word: through {@code LOCKED} only. */
    @SuppressWarnings("unused")
    volatile int locked;
    /** Chunks the zeroer handed over without the lock, newest first; through {@code ZEROED}. */
    @SuppressWarnings("unused")
    volatile Chunk zeroed;
    volatile boolean hasWork;
    volatile boolean closed;
    /** Set by the zeroer while it holds chunks of this pool; for drains and shrinks. */
    volatile boolean zeroing;
    // Guarded by the lock (heldBytes also read racily, through HELD_BYTES).
    long heldBytes;
    long hits;
    long zeroedOnTake;
    long zeroedIdle;
    long offers;
    /** How many shrinks and closes emptied the pool; the zeroer compares it with its own. */
    long shrinks;
    /** {@code shrinks} when the zeroer last took dirty chunks; the zeroer's own. */
    long zeroerEpoch;
}

/** Padding after the hot fields. */
abstract class CpuPoolState extends CpuPoolFields {
    @SuppressWarnings("unused")
    private long pad20, pad21, pad22, pad23, pad24, pad25, pad26, pad27;
    @SuppressWarnings("unused")
    private long pad28, pad29, pad30, pad31, pad32, pad33, pad34, pad35;
}
