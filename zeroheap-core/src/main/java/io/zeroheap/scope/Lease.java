package io.zeroheap.scope;

import io.zeroheap.pool.Chunk;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One CPU's share of a {@link Generation}: the buffers allocated on that CPU join the
 * generation through it, and their chunks wait on it when they are closed. Splitting the
 * generation's count and waiting list by CPU keeps the cache lines that every allocation and
 * every close write on the CPU that writes them; with one shared count, two threads allocating
 * on two cores made that line bounce on every operation.
 *
 * <p>Concurrency: {@code state} packs the live buffer count (times two) and the {@code OPEN}
 * bit into one long, changed only by CAS or atomic add, so exactly one thread sees the lease
 * become "closed with no live buffer" and reports it to the generation: either the sealer
 * clearing {@code OPEN} on a lease with no live buffer ({@link #close()}), or the last
 * {@link #release} after that. Closed buffers' chunks wait on a lock-free stack pushed before
 * the count drops, so the retiring thread finds them all. Allocations of other CPUs may join
 * a lease too (a thread that moved): the protocol does not depend on who joins.
 */
public final class Lease {

    private static final long OPEN = 1;
    private static final long ONE_BUFFER = 2;
    private static final VarHandle STATE;
    private static final VarHandle WAITING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Lease.class, "state", long.class);
            WAITING = lookup.findVarHandle(Lease.class, "waiting", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Generation generation;
    /** live buffers * 2 + OPEN bit. */
    private volatile long state = OPEN;
    /** Chunks of closed buffers, newest first, linked by Chunk.nextWaiting. */
    private volatile Chunk waiting;
    /** Buffers and bytes that joined; racy estimates, they only steer when to seal. */
    private long joinedBuffers;
    private long joinedBytes;

    Lease(Generation generation) {
        this.generation = generation;
    }

    /** Returns the generation this lease belongs to. */
    public Generation generation() {
        return generation;
    }

    /**
     * Counts one more live buffer of {@code byteSize} bytes, unless the generation is sealed.
     *
     * @return false if sealed (the caller takes a newer generation)
     */
    boolean tryAcquire(long byteSize) {
        long s;
        do {
            s = state;
            if ((s & OPEN) == 0) {
                return false;
            }
        } while (!STATE.weakCompareAndSet(this, s, s + ONE_BUFFER));
        joinedBuffers = joinedBuffers + 1; // racy read-modify-writes: estimates
        joinedBytes = joinedBytes + byteSize;
        return true;
    }

    /** Returns a segment of {@code byteSize} bytes at {@code address} in the generation's scope. */
    public MemorySegment segment(long address, long byteSize) {
        return generation.segment(address, byteSize);
    }

    /**
     * Puts a closed buffer's chunk on the waiting list and counts the buffer gone.
     *
     * @return true if the caller must now retire the generation (this was its last open lease's
     *         last live buffer)
     */
    public boolean release(Chunk chunk) {
        Chunk head;
        do {
            head = waiting;
            chunk.nextWaiting = head;
        } while (!WAITING.compareAndSet(this, head, chunk));
        long after = (long) STATE.getAndAdd(this, -ONE_BUFFER) - ONE_BUFFER;
        return after == 0 && generation.leaseDone();
    }

    /**
     * Closes the lease to new buffers (the generation is sealing).
     *
     * @return true if it had no live buffer: the caller reports it done to the generation
     */
    boolean close() {
        return (long) STATE.getAndBitwiseAnd(this, ~OPEN) == OPEN;
    }

    long joinedBuffers() {
        return joinedBuffers;
    }

    long joinedBytes() {
        return joinedBytes;
    }

    /** Returns the newest chunk waiting now, for a racy walk along {@link Chunk#nextWaiting}. */
    Chunk firstWaiting() {
        return waiting;
    }

    /** Takes the chunks that waited here, newest first; after the generation's scope closed. */
    Chunk takeWaiting() {
        return (Chunk) WAITING.getAndSet(this, (Chunk) null);
    }
}
