package io.zeroheap.arena;

import io.zeroheap.pool.Chunk;

/**
 * What a heap arena needs from its heap. Implemented privately by the heap, so these
 * operations never become public API.
 */
public interface ChunkSupply {

    /** Returns the largest alignment, in bytes, that every chunk's address has (the OS page size). */
    long maxAlignment();

    /**
     * Returns a zeroed chunk of at least {@code byteSize} bytes.
     *
     * @throws io.zeroheap.HeapOutOfMemoryError if none can be had
     * @throws IllegalStateException            if the heap is closed
     */
    Chunk allocateChunk(long byteSize);

    /** Hands back chunks that no live segment can reach any more. */
    void releaseChunks(Chunk[] chunks, int count);

    /** Forgets a shared arena the heap was tracking (it was closed). */
    void arenaClosed(HeapArena arena);
}
