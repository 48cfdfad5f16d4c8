package io.zeroheap.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Netty's {@link PooledByteBufAllocator} with direct buffers and its defaults
 * ({@code directBuffer(size, size)}, {@code release()}). Its memory is not zeroed: a buffer can
 * hold the previous user's bytes ("stale data"), unless {@code zero} adds
 * {@code setZero(0, size)}, which is what a Netty user pays for the guarantee zeroheap gives.
 * Above its chunk size (4 MiB by default) Netty does not pool.
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

    /** Drops the allocator; its pooled direct memory goes back when the GC has run its cleaners. */
    @Override
    public void close() {
        System.gc();
    }
}
