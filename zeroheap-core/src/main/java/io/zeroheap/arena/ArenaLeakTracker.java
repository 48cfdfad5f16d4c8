package io.zeroheap.arena;

import io.zeroheap.leak.LeakDetector;
import io.zeroheap.leak.LeakTracker;

import java.lang.foreign.MemorySegment;

/**
 * Tracks one heap arena through its scope: the scope is reachable from the arena and from
 * every segment it handed out, so once it is unreachable no segment can reach the arena's
 * memory and the chunks are handed back without closing anything (a confined scope could not
 * be closed from another thread anyway). Holds the chunks and the heap, never the arena or
 * its scope.
 */
final class ArenaLeakTracker extends LeakTracker {

    private final ArenaChunks chunks;
    private final ChunkSupply heap;
    private final boolean shared;

    ArenaLeakTracker(MemorySegment.Scope scope, LeakDetector detector, ArenaChunks chunks, ChunkSupply heap,
                     boolean shared) {
        this.chunks = chunks; // before super(), which links the tracker: the reaper sees it complete
        this.heap = heap;
        this.shared = shared;
        super(scope, detector);
    }

    @Override
    protected long reclaim() {
        long byteSize = chunks.byteSize();
        chunks.releaseTo(heap);
        return byteSize;
    }

    @Override
    protected String describe() {
        return (shared ? "shared" : "confined") + " heap arena of " + chunks.count() + " chunks";
    }

    @Override
    protected boolean isArena() {
        return true;
    }
}
