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
 * pages; larger ones get a chunk of their own. Every power-of-two alignment is served: up to
 * the page size for free (chunks are page-aligned), above it by taking a chunk larger by the
 * alignment less one page and slicing the aligned part out of it, which costs up to that many
 * bytes more (a 4 KiB buffer aligned to 1 MiB takes a 1 MiB + 4 KiB chunk class). A
 * zero-length allocation takes one byte of a slab, so each gets its own address. Cleanup
 * actions registered on the arena ({@code segment.reinterpret(size, arena, cleanup)}) run once
 * each when it closes, as on a JDK arena, in an order the JDK does not promise (the first one
 * registered runs first here, since the arena's own segments register none).
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
     *                                  a power of two (checked in that order, before the state)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined and the caller is not its owner
     * @throws io.zeroheap.HeapOutOfMemoryError if the heap cannot supply the memory, or no heap
     *                                  of its budget could (an {@link OutOfMemoryError}, as the
     *                                  JDK's arenas throw for a size they cannot serve)
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        Checks.requireNonNegative(byteSize, "byteSize");
        Checks.requirePowerOfTwo(byteAlignment, "byteAlignment");
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
        if (byteAlignment > pageSize) {
            return allocateOverAligned(byteSize, byteAlignment);
        }
        if (byteSize <= sliceLimit) {
            long offset = slab == null ? 0 : (slabOffset + byteAlignment - 1) & -byteAlignment;
            long taken = Math.max(1, byteSize); // a zero-length segment gets an address of its own
            if (slab == null || offset + taken > slab.byteSize()) {
                slab = take(SLAB_PAGES * pageSize);
                offset = 0;
            }
            slabOffset = offset + taken;
            return MemorySegment.ofAddress(slab.address() + offset).reinterpret(byteSize, scope, null);
        }
        Chunk chunk = take(byteSize);
        return MemorySegment.ofAddress(chunk.address()).reinterpret(byteSize, scope, null);
    }

    /** A chunk larger by the alignment less a page (chunks are page-aligned), sliced aligned. */
    @SuppressWarnings("restricted") // a view of a chunk taken from the heap, inside it and scoped to this arena
    private MemorySegment allocateOverAligned(long byteSize, long byteAlignment) {
        long padded = byteSize + (byteAlignment - pageSize);
        if (padded < 0) { // overflows: more than any heap could serve
            padded = Long.MAX_VALUE;
        }
        Chunk chunk = take(padded);
        long aligned = (chunk.address() + byteAlignment - 1) & -byteAlignment;
        return MemorySegment.ofAddress(aligned).reinterpret(byteSize, scope, null);
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
        if (owner != null) {
            closeOwned();
            return;
        }
        boolean closedHere = false;
        try {
            synchronized (this) {
                boolean wasAlive = scope.scope().isAlive();
                try {
                    closeOwned();
                } finally {
                    closedHere = wasAlive && !scope.scope().isAlive();
                }
            }
        } finally {
            if (closedHere) { // also when a cleanup action threw: the arena is closed
                heap.arenaClosed(this);
            }
        }
    }

    /**
     * Closes the scope, then hands the chunks back. If a segment's cleanup action throws, the
     * JDK has closed the scope all the same (and run the other actions): the chunks go back,
     * then the exception reaches the caller.
     */
    private void closeOwned() {
        boolean wasAlive = scope.scope().isAlive();
        Throwable cleanupFailure = null;
        try {
            scope.close(); // throws if already closed or wrong thread, before anything changes
        } catch (RuntimeException | Error e) {
            if (!wasAlive || scope.scope().isAlive()) {
                throw e; // already closed, or not the owner: nothing changed
            }
            cleanupFailure = e;
        }
        try {
            if (leak != null) {
                leak.close();
            }
            chunks.releaseTo(heap);
            slab = null;
        } catch (RuntimeException | Error e) {
            if (cleanupFailure == null) {
                throw e;
            }
            cleanupFailure.addSuppressed(e);
        }
        // The tracker watches the scope: keep it reachable until the tracker is cleared, or
        // the GC could find it dead meanwhile and the reaper report a false leak.
        Reference.reachabilityFence(scope);
        if (cleanupFailure instanceof RuntimeException e) {
            throw e;
        } else if (cleanupFailure instanceof Error e) {
            throw e;
        }
    }

    @Override
    public String toString() {
        return (owner == null ? "shared" : "confined") + " HeapArena[" + chunks.count() + " chunks]";
    }
}
