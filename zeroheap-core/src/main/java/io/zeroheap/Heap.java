package io.zeroheap;

import java.lang.foreign.Arena;

/**
 * A named source of off-heap memory that always reads zero when handed out (the
 * {@code /dev/dma_heap/<name>} idea). Memory comes as refcounted {@link HeapBuffer}s or
 * through {@link Arena}s whose allocations draw from the heap.
 *
 * <p>Implementations are thread-safe: every method may be called from any thread.
 */
public interface Heap extends AutoCloseable {

    /** Returns the heap's name, unique among registered heaps. */
    String name();

    /**
     * Allocates a buffer of {@code byteSize} bytes whose every byte reads zero, usable from any
     * thread until its last {@link HeapBuffer#close()}.
     *
     * @param byteSize the size in bytes, {@code >= 0}
     * @return the buffer, with a reference count of 1
     * @throws IllegalArgumentException if {@code byteSize} is negative; the heap is unchanged
     * @throws HeapOutOfMemoryError     if the memory cannot be had even after reclaiming what
     *                                  the heap's shrinkers could, or the size is larger than
     *                                  the heap could ever hold; nothing is allocated (the
     *                                  reclaim may have given pooled and pending memory back)
     * @throws IllegalStateException    if the heap is closed
     */
    HeapBuffer allocate(long byteSize);

    /**
     * Allocates a buffer as {@link #allocate} does that zeroheap's leak detection never tracks,
     * whatever the heap's {@link LeakDetection} level: for a wrapper that reports a dropped
     * buffer itself (a Netty {@code ByteBuf} under Netty's {@code ResourceLeakDetector}), so
     * that one leak is not reported twice. A dropped untracked buffer keeps its memory until
     * the heap is closed. This default calls {@link #allocate}.
     *
     * @param byteSize the size in bytes, {@code >= 0}
     * @return the buffer, with a reference count of 1
     * @throws IllegalArgumentException as {@link #allocate}
     * @throws HeapOutOfMemoryError     as {@link #allocate}
     * @throws IllegalStateException    if the heap is closed
     */
    default HeapBuffer allocateUntracked(long byteSize) {
        return allocate(byteSize);
    }

    /**
     * Returns a new confined arena whose {@code allocate} draws zeroed memory from this heap and
     * whose {@code close()} hands the memory back (small chunks to the pool of the CPU that
     * closes it, to be zeroed there when the CPU idles or by the next allocation, see
     * {@code SystemHeap.Builder#cpuPools}; larger ones for deferred freeing). It keeps the whole
     * {@link Arena} contract: only the creating thread may use or close it
     * ({@link WrongThreadException}), its segments die when it closes, and a second close
     * throws. This is the fast, fully safe path.
     *
     * <p>Close the arena when done. One dropped unclosed is found only if leak detection
     * tracks it (see {@link LeakDetection}), and then only once the arena and every segment it
     * handed out are unreachable; an untracked one keeps its memory for good. Its segments keep
     * its scope alive but not the arena object; keep the arena reachable while they are used.
     *
     * @throws IllegalStateException if the heap is closed
     */
    Arena newArena();

    /**
     * Returns a new shared arena like {@link #newArena()} but usable and closable from any
     * thread. Closing it costs what closing any shared arena costs (a handshake with every
     * thread, 45-60 µs here): keep it off hot paths.
     *
     * @throws IllegalStateException if the heap is closed
     */
    Arena newSharedArena();

    /** Returns a consistent snapshot of the heap's memory and counters. */
    HeapStats stats();

    /**
     * Reclaims up to about {@code nrPages} pages now, on the calling thread: pending frees
     * first (given back to the OS unzeroed), then pooled pages.
     *
     * @param nrPages pages wanted, {@code >= 0}
     * @return pages given back to the OS (a generation whose scope a downcall holds counts
     *         as given back although its retirement is retried later)
     * @throws IllegalArgumentException if {@code nrPages < 0}
     * @throws IllegalStateException    if the heap is closed
     */
    long shrink(long nrPages);

    /**
     * Gives all the heap's free memory back to the OS, ends the scope of every heap buffer and
     * shared heap arena, and stops the heap's worker. Memory of buffers and arenas still open
     * goes straight back to the OS when they are closed. Any later use of the heap throws,
     * except {@link #stats()}, which still reports what is left.
     * Every open shared arena that leak detection does not track (all of them with
     * {@link LeakDetection#OFF}) is closed, dropped or not. One that it tracks is held weakly so that a leak can be found: if
     * it was dropped unclosed while some of its segments are still reachable, it stays open
     * and its memory goes back when leak detection finds it (once those segments are
     * unreachable too). Open confined arenas are not closed (only their owner thread may).
     * Close a heap once other threads have stopped allocating from it: memory that an
     * allocation racing with {@code close()} maps into a pool is not given back.
     *
     * @throws IllegalStateException if the heap is already closed
     */
    @Override
    void close();
}
