package io.zeroheap.cli;

import java.nio.ByteBuffer;

/**
 * {@link ByteBuffer#allocateDirect(int)} (zeroed on the calling thread). It cannot be freed
 * explicitly: its memory goes back when the GC finds the buffer unreachable, so
 * {@link #trim()} and {@link #close()} ask for a GC, untimed. Within one measurement the GC
 * only runs if direct memory reaches {@code -XX:MaxDirectMemorySize}; that cost, when it
 * comes, is part of the score.
 */
final class DirectBufferAllocator implements Allocator {

    @Override
    public long cycle(int byteSize, boolean touch) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(byteSize);
        if (touch) {
            PageTouch.touch(buffer);
        }
        return System.identityHashCode(buffer);
    }

    @Override
    public void trim() {
        System.gc();
    }

    @Override
    public void close() {
        System.gc();
    }
}
