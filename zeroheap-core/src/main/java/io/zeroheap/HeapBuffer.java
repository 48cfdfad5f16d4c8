package io.zeroheap;

import io.zeroheap.leak.LeakDetector;
import io.zeroheap.pool.Chunk;
import io.zeroheap.scope.Lease;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;

/**
 * One allocation from a {@link Heap}, reference counted (the kernel's {@code struct dma_buf}).
 * Its {@link #segment()} reads zero when handed out and may be used from any thread.
 *
 * <p>{@link #close()} drops one reference; the last one hands the memory back for deferred
 * freeing. From then on this object's methods throw at once; the segment itself throws at the
 * latest when the heap's worker retires the buffer's generation (its shared scope is closed
 * before the memory is reused, so a stale segment can never see another buffer's data).
 *
 * <p><b>Keep the buffer reachable for as long as its segment is used.</b> A buffer that
 * leak detection tracks ({@link LeakDetection}: one in {@value LeakDetection#SAMPLE_INTERVAL}
 * by default, all with {@code ALL}) and that becomes unreachable before its last close is
 * reported and its memory reclaimed as if closed; its segment then dies when the generation
 * retires, whoever still holds it. An untracked buffer dropped unclosed is never found: its
 * chunk stays allocated and pins its generation (up to
 * {@link SystemHeap.Builder#generationMaxBytes} of freed chunks) until the heap is closed;
 * under pressure the pinned chunks' pages go back to the OS, so it costs address space rather
 * than memory.
 *
 * <p>Thread-safe: the count changes by CAS.
 */
public final class HeapBuffer implements AutoCloseable {

    private static final VarHandle REF_COUNT;

    static {
        try {
            REF_COUNT = MethodHandles.lookup().findVarHandle(HeapBuffer.class, "refCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SystemHeap heap;
    private final Chunk chunk;
    private final Lease lease;
    private final MemorySegment segment;
    /** Null without leak detection. */
    private final BufferLeakTracker leak;
    private volatile int refCount = 1;

    HeapBuffer(SystemHeap heap, Chunk chunk, Lease lease, MemorySegment segment, LeakDetector leaks) {
        this(heap, chunk, lease, segment, leaks, true);
    }

    HeapBuffer(SystemHeap heap, Chunk chunk, Lease lease, MemorySegment segment, LeakDetector leaks,
               boolean mayTrack) {
        this.heap = heap;
        this.chunk = chunk;
        this.lease = lease;
        this.segment = segment;
        // Last: if making the tracker throws, the caller releases the chunk (SystemHeap.allocate).
        this.leak = mayTrack && leaks.shouldTrack()
                ? new BufferLeakTracker(this, leaks, heap, chunk, lease, segment.byteSize()) : null;
    }

    /**
     * Returns the buffer's memory: one contiguous segment of {@link #byteSize()} bytes, usable
     * from any thread until the buffer's last {@link #close()}.
     *
     * <p>The segment does not keep this buffer reachable: keep the buffer reachable (and
     * unclosed) for as long as the segment is used. A tracked buffer that the GC finds
     * unreachable is reclaimed as a leak (see {@link LeakDetection}); its segment then throws
     * {@link IllegalStateException} once its generation retires, and never sees another
     * buffer's data.
     *
     * @throws IllegalStateException if the buffer is closed
     */
    public MemorySegment segment() {
        requireOpen();
        return segment;
    }

    /**
     * Returns the size asked for, in bytes.
     *
     * @throws IllegalStateException if the buffer is closed
     */
    public long byteSize() {
        requireOpen();
        return segment.byteSize();
    }

    /**
     * Adds one reference.
     *
     * @return this buffer
     * @throws IllegalStateException if the buffer is already closed (its count reached 0), or
     *                               the count would overflow
     */
    public HeapBuffer retain() {
        int count;
        do {
            count = refCount;
            if (count == 0) {
                throw new IllegalStateException("retain() of a closed buffer: " + this);
            }
            if (count == Integer.MAX_VALUE) {
                throw new IllegalStateException("refCount: " + count + " (expected: < Integer.MAX_VALUE)");
            }
        } while (!REF_COUNT.weakCompareAndSet(this, count, count + 1));
        return this;
    }

    /**
     * Drops one reference; the last one hands the memory to the heap for deferred freeing.
     * With deferred frees (the default) it never zeroes or waits; with
     * {@code deferredFree(false)} the last close of a generation's last buffer retires the
     * generation on the calling thread (a shared-scope close and the zeroing).
     *
     * @throws IllegalStateException if the buffer is already closed
     * @apiNote A close beyond the count throws instead of passing silently, so a double
     *          release in the caller's code is found where it happens.
     */
    @Override
    public void close() {
        int count;
        do {
            count = refCount;
            if (count == 0) {
                throw new IllegalStateException("close() of a closed buffer: " + this);
            }
        } while (!REF_COUNT.weakCompareAndSet(this, count, count - 1));
        if (count == 1) {
            if (leak != null) {
                leak.close();
            }
            heap.release(chunk, lease);
        }
        // Reachable until the tracker is cleared, or the GC could find this buffer dead
        // meanwhile and the leak reaper release it too.
        Reference.reachabilityFence(this);
    }

    /** Returns the reference count: 0 once closed (this method never throws). */
    public int refCount() {
        return refCount;
    }

    @Override
    public String toString() {
        return "HeapBuffer[" + segment.byteSize() + " bytes, heap " + heap.name() + ", refCount " + refCount + "]";
    }

    private void requireOpen() {
        if (refCount == 0) {
            throw new IllegalStateException("buffer is closed: " + this);
        }
    }
}
