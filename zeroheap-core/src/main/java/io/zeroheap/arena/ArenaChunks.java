package io.zeroheap.arena;

import io.zeroheap.pool.Chunk;

import java.util.Arrays;

/**
 * The chunks one heap arena took from its heap, in a holder apart from the arena so that its
 * leak tracker can free them without referencing the arena or its scope.
 *
 * <p>Thread-safety: guarded as the arena's state is (its owner thread, or its monitor for a
 * shared arena); the leak tracker reads it only once the arena and its scope are unreachable.
 */
final class ArenaChunks {

    private Chunk[] chunks = new Chunk[4];
    private int count;

    void add(Chunk chunk) {
        if (count == chunks.length) {
            chunks = Arrays.copyOf(chunks, count * 2);
        }
        chunks[count++] = chunk;
    }

    int count() {
        return count;
    }

    long byteSize() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += chunks[i].byteSize();
        }
        return total;
    }

    /** Hands every chunk back to {@code heap} and forgets them. */
    void releaseTo(ChunkSupply heap) {
        Chunk[] released = chunks;
        int n = count;
        chunks = null;
        count = 0;
        heap.releaseChunks(released, n);
    }
}
