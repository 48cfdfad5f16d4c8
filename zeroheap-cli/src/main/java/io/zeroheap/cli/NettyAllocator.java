package io.zeroheap.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * Netty's {@link PooledByteBufAllocator} with direct buffers and its defaults
 * ({@code directBuffer(size, size)}, {@code release()}). Its memory is not zeroed: a buffer can
 * hold the previous user's bytes ("stale data"), unless {@code zero} adds
 * {@code setZero(0, size)}, which is what a Netty user pays for the guarantee zeroheap gives.
 * Above its chunk size (4 MiB by default) Netty does not pool. What it holds is its arenas'
 * direct memory ({@code metric().usedDirectMemory()}).
 */
final class NettyAllocator implements Allocator {

    private final PooledByteBufAllocator netty = new PooledByteBufAllocator(true);
    private final boolean zero;

    NettyAllocator(boolean zero) {
        this.zero = zero;
    }

    @Override
    public long cycle(int byteSize, boolean touch) {
        ByteBuf buffer = netty.directBuffer(byteSize, byteSize);
        try {
            if (zero) {
                buffer.setZero(0, byteSize);
            }
            if (touch) {
                PageTouch.touch(buffer);
            }
            return buffer.capacity();
        } finally {
            buffer.release();
        }
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        ByteBuf buffer = netty.directBuffer(byteSize, byteSize);
        try {
            if (zero) {
                buffer.setZero(0, byteSize);
            }
            action.accept(MemorySegment.ofBuffer(buffer.nioBuffer(0, byteSize)));
        } finally {
            buffer.release();
        }
    }

    /** Its arenas' direct memory in bytes: chunks in use or pooled. */
    @Override
    public long heldBytes() {
        return netty.metric().usedDirectMemory();
    }

    /**
     * Gives back the bench thread's cache of this allocator (every buffer was released after
     * its operation), and drops the cache from the thread's thread-locals, where it would
     * otherwise keep this allocator's arenas reachable after the run moved on; the arenas'
     * memory goes back when the GC has collected them.
     */
    @Override
    public void close() {
        netty.trimCurrentThreadCache();
        netty.freeThreadLocalCache();
        System.gc();
    }
}
