package io.zeroheap.scope;

import io.zeroheap.pool.Chunk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One generation of buffers sharing a shared {@link Arena}: the arena is closed (and the
 * buffers' chunks recycled) only when the generation is sealed and its last buffer closed.
 *
 * <p>Concurrency: {@code state} packs the live buffer count (times two) and the sealed bit
 * into one long, changed only by CAS or atomic add, so exactly one thread sees the
 * transition to "sealed and no live buffer" and retires the generation. Freed chunks wait on
 * a lock-free stack ({@code waiting}) pushed before the buffer count drops, so the retiring
 * thread finds them all.
 */
public final class Generation {

    private static final long SEALED = 1;
    private static final long ONE_BUFFER = 2;
    private static final VarHandle STATE;
    private static final VarHandle WAITING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Generation.class, "state", long.class);
            WAITING = lookup.findVarHandle(Generation.class, "waiting", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    /** When a retirement last found the scope held by a client; guarded by Generations. */
    long retryAfterNanos;
    /** live buffers * 2 + sealed bit. */
    private volatile long state;
    /** Chunks of closed buffers, newest first, linked by Chunk.nextWaiting. */
    private volatile Chunk waiting;
    /** Buffers and bytes handed out; only an estimate is needed (sealing policy). */
    private volatile long allocatedBuffers;
    private volatile long allocatedBytes;

    Generation() {
    }

    /**
     * Counts one more live buffer, unless the generation is sealed.
     *
     * @return false if sealed (the caller takes a newer generation)
     */
    boolean tryAcquire(long byteSize) {
        long s;
        do {
            s = state;
            if ((s & SEALED) != 0) {
                return false;
            }
        } while (!STATE.weakCompareAndSet(this, s, s + ONE_BUFFER));
        // Racy read-modify-writes: the counts only steer when to seal.
        allocatedBuffers = allocatedBuffers + 1;
        allocatedBytes = allocatedBytes + byteSize;
        return true;
    }

    /** Returns a segment of {@code byteSize} bytes at {@code address} in this generation's scope. */
    public MemorySegment segment(long address, long byteSize) {
        return MemorySegment.ofAddress(address).reinterpret(byteSize, arena, null);
    }

    /**
     * Puts a closed buffer's chunk on the waiting list and counts the buffer gone.
     *
     * @return true if the caller must now retire the generation (it was sealed and this was
     *         its last live buffer)
     */
    public boolean release(Chunk chunk) {
        Chunk head;
        do {
            head = waiting;
            chunk.nextWaiting = head;
        } while (!WAITING.compareAndSet(this, head, chunk));
        long after = (long) STATE.getAndAdd(this, -ONE_BUFFER) - ONE_BUFFER;
        return after == SEALED;
    }

    /**
     * Seals the generation: no more buffers join it.
     *
     * @return true if the caller must now retire it (no live buffer left); false if it was
     *         already sealed or buffers are still live (the last one's release retires it)
     */
    boolean seal() {
        long before = (long) STATE.getAndBitwiseOr(this, SEALED);
        return before == 0;
    }

    /** Returns whether the generation is sealed and has no live buffer: due to retire. */
    boolean isDueToRetire() {
        return state == SEALED;
    }

    /** Returns whether freed chunks wait for this generation to retire. */
    boolean hasWaiting() {
        return waiting != null;
    }

    long allocatedBuffers() {
        return allocatedBuffers;
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    /**
     * Ends the scope of every segment of this generation (a shared close, 45-60 µs). Call it
     * after {@link #release} or {@link #seal} said the generation must retire, or when the heap
     * closes; calling it again is harmless.
     *
     * @return true once the scope is closed (by this call or an earlier one); false if a client
     *         holds the scope (a downcall or I/O on a segment of it is in flight), in which
     *         case nothing changed and the caller tries again later
     */
    public synchronized boolean tryCloseScope() {
        if (!arena.scope().isAlive()) {
            return true;
        }
        try {
            arena.close();
            return true;
        } catch (IllegalStateException acquired) {
            return !arena.scope().isAlive();
        }
    }

    /**
     * Takes the chunks that waited for this generation, linked by {@link Chunk#nextWaiting};
     * call after {@link #tryCloseScope()} returned true.
     */
    public Chunk takeWaiting() {
        return (Chunk) WAITING.getAndSet(this, (Chunk) null);
    }

    /**
     * Returns the newest chunk waiting now, for a racy walk along {@link Chunk#nextWaiting}
     * (the walk may end early if the generation retires meanwhile).
     */
    public Chunk firstWaiting() {
        return waiting;
    }

    /** Returns the pages of the chunks waiting now whose memory is still held (not purged). */
    public long waitingPages() {
        long pages = 0;
        for (Chunk chunk = waiting; chunk != null; chunk = chunk.nextWaiting) {
            if (chunk.holdsPendingMemory()) {
                pages += chunk.nrPages();
            }
        }
        return pages;
    }

}
