package io.zeroheap;

import io.zeroheap.leak.LeakDetector;
import io.zeroheap.leak.LeakTracker;
import io.zeroheap.pool.Chunk;
import io.zeroheap.scope.Lease;

/**
 * Tracks one {@link HeapBuffer}: if the buffer becomes unreachable before its last close, its
 * chunk is released into its generation as a close would (so the chunk is recycled only after
 * the generation's scope closes, DESIGN rule 2). Holds the heap, chunk and lease, never
 * the buffer.
 */
final class BufferLeakTracker extends LeakTracker {

    private final SystemHeap heap;
    private final Chunk chunk;
    private final Lease lease;
    private final long byteSize;

    BufferLeakTracker(HeapBuffer buffer, LeakDetector detector, SystemHeap heap, Chunk chunk,
                      Lease lease, long byteSize) {
        this.heap = heap; // before super(), which links the tracker: the reaper sees it complete
        this.chunk = chunk;
        this.lease = lease;
        this.byteSize = byteSize;
        super(buffer, detector);
    }

    @Override
    protected long reclaim() {
        heap.release(chunk, lease);
        return chunk.byteSize();
    }

    @Override
    protected String describe() {
        return "HeapBuffer of " + byteSize + " bytes";
    }

    @Override
    protected boolean isArena() {
        return false;
    }
}
