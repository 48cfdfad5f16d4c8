package io.zeroheap.arena;

import io.zeroheap.leak.LeakDetector;
import io.zeroheap.pool.Chunk;
import io.zeroheap.util.Checks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * An {@link Arena} that draws zeroed memory from a heap. Segments are scoped by an inner JDK
 * arena ({@link Arena#ofConfined()} or {@link Arena#ofShared()}), so liveness, thread
 * confinement and double-close behave exactly as the JDK's; {@link #close()} closes that scope
 * first and only then hands the chunks back, so no live segment can reach recycled memory.
 *
 * <p>Allocations of at most half a page are sliced from shared chunks of {@link #SLAB_PAGES}
 * pages; larger ones get a chunk of their own. Alignment up to the page
 * size is supported.
 *
 * <p>When leak detection tracks it, an arena whose scope becomes unreachable (the arena and
 * all its segments are) without a close has its chunks handed back by its
 * {@link ArenaLeakTracker}. An untracked arena dropped unclosed keeps its chunks until the heap
 * is closed (a confined one: for good, as no other thread may close its scope).
 *
 * <p>Thread-safety: a confined arena is used by its owner thread only (others get
 * {@link WrongThreadException}); a shared arena serialises allocation and close on its monitor.
 */
public final class HeapArena implements Arena {

    /** Pages of a chunk that small allocations are sliced from. */
    static final int SLAB_PAGES = 4;

    private final ChunkSupply heap;
    private final Arena scope;
    private final Thread owner;
    private final long pageSize;
    private final long sliceLimit;
    /** Null without leak detection. */
    private final ArenaLeakTracker leak;
    // Guarded by the owner thread (confined) or this monitor (shared).
    private final ArenaChunks chunks = new ArenaChunks();
    private Chunk slab;
    private long slabOffset;

    private HeapArena(ChunkSupply heap, Arena scope, Thread owner, LeakDetector leaks) {
        this.heap = heap;
        this.scope = scope;
        this.owner = owner;
        this.pageSize = heap.maxAlignment();
        this.sliceLimit = pageSize / 2;
        this.leak = leaks.shouldTrack()
                ? new ArenaLeakTracker(scope.scope(), leaks, chunks, heap, owner == null) : null;
    }

    /** Returns whether leak detection tracks this arena. */
    public boolean tracked() {
        return leak != null;
    }

    /** Returns a confined heap arena owned by the calling thread, tracked by {@code leaks}. */
    public static HeapArena confined(ChunkSupply heap, LeakDetector leaks) {
        return new HeapArena(heap, Arena.ofConfined(), Thread.currentThread(), leaks);
    }

    /** Returns a shared heap arena, tracked by {@code leaks}. */
    public static HeapArena shared(ChunkSupply heap, LeakDetector leaks) {
        return new HeapArena(heap, Arena.ofShared(), null, leaks);
    }

    /**
     * Returns a zeroed segment of {@code byteSize} bytes aligned to {@code byteAlignment}.
     *
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not
     *                                  a power of two or exceeds the heap's page size
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined and the caller is not its owner
     * @throws io.zeroheap.HeapOutOfMemoryError if the heap cannot supply the memory
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        Checks.requireNonNegative(byteSize, "byteSize");
        Checks.requirePowerOfTwo(byteAlignment, "byteAlignment");
        if (byteAlignment > pageSize) {
            throw new IllegalArgumentException("byteAlignment: " + byteAlignment
                    + " (expected: <= the page size " + pageSize + ", which every chunk is aligned to)");
        }
        if (owner == null) {
            synchronized (this) {
                return allocateOwned(byteSize, byteAlignment);
            }
        }
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("Attempted access outside owning thread");
        }
        return allocateOwned(byteSize, byteAlignment);
    }

    @SuppressWarnings("restricted") // views of chunks taken from the heap, bounded by them and scoped to this arena
    private MemorySegment allocateOwned(long byteSize, long byteAlignment) {
        if (!scope.scope().isAlive()) {
            throw new IllegalStateException("Already closed");
        }
        if (byteSize <= sliceLimit) {
            long offset = slab == null ? 0 : (slabOffset + byteAlignment - 1) & -byteAlignment;
            if (slab == null || offset + byteSize > slab.byteSize()) {
                slab = take(SLAB_PAGES * pageSize);
                offset = 0;
            }
            slabOffset = offset + byteSize;
            return MemorySegment.ofAddress(slab.address() + offset).reinterpret(byteSize, scope, null);
        }
        Chunk chunk = take(byteSize);
        return MemorySegment.ofAddress(chunk.address()).reinterpret(byteSize, scope, null);
    }

    private Chunk take(long byteSize) {
        Chunk chunk = heap.allocateChunk(byteSize);
        chunks.add(chunk);
        return chunk;
    }

    @Override
    public MemorySegment.Scope scope() {
        return scope.scope();
    }

    /**
     * Ends the scope of every segment of this arena, then hands its memory back to the heap,
     * unzeroed: zeroing happens later, never on this thread (see
     * {@code SystemHeap.Builder#cpuPools}).
     *
     * @throws IllegalStateException if the arena is already closed
     * @throws WrongThreadException  if the arena is confined and the caller is not its owner
     */
    @Override
    public void close() {
        if (owner == null) {
            synchronized (this) {
                closeOwned();
            }
            heap.arenaClosed(this);
        } else {
            closeOwned();
        }
    }

    private void closeOwned() {
        scope.close(); // throws if already closed or wrong thread, before anything changes
        if (leak != null) {
            leak.close();
        }
        chunks.releaseTo(heap);
        slab = null;
        // The tracker watches the scope: keep it reachable until the tracker is cleared, or
        // the GC could find it dead meanwhile and the reaper report a false leak.
        Reference.reachabilityFence(scope);
    }

    @Override
    public String toString() {
        return (owner == null ? "shared" : "confined") + " HeapArena[" + chunks.count() + " chunks]";
    }
}
