package io.zeroheap.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.lang.foreign.MemorySegment;

/**
 * Netty's {@link PooledByteBufAllocator} with direct buffers and its defaults
 * ({@code directBuffer(size, size)}, {@code release()}), used through
 * {@code MemorySegment.ofBuffer(buffer.nioBuffer(0, size))}, so the use is the same code as for
 * every other allocator. Its memory is not zeroed: a buffer can hold the previous user's bytes
 * ("stale data"), unless {@code zero} adds {@code setZero(0, size)}, which is what a Netty user
 * pays for the guarantee zeroheap gives. Above its chunk size (4 MiB by default) Netty does not
 * pool. Netty 4.2 keeps no thread-local cache for threads that are not its own
 * ({@code useCacheForAllThreads=false}), so the benchmark threads share its arenas under their
 * locks. What it holds is its arenas' direct memory ({@code metric().usedDirectMemory()}).
 * Thread-safe (Netty's allocator is); buffers may be released on any thread.
 */
final class NettyAllocator implements HandOverAllocator<ByteBuf> {

    private final PooledByteBufAllocator netty = new PooledByteBufAllocator(true);
    private final boolean zero;

    NettyAllocator(boolean zero) {
        this.zero = zero;
    }

    @Override
    public ByteBuf allocate(int byteSize) {
        ByteBuf buffer = netty.directBuffer(byteSize, byteSize);
        if (zero) {
            buffer.setZero(0, byteSize);
        }
        return buffer;
    }

    @Override
    public MemorySegment segment(ByteBuf buffer) {
        return MemorySegment.ofBuffer(buffer.nioBuffer(0, buffer.capacity()));
    }

    @Override
    public void free(ByteBuf buffer) {
        buffer.release();
    }

    /** Its arenas' direct memory in bytes: chunks in use or pooled. */
    @Override
    public long heldBytes() {
        return netty.metric().usedDirectMemory();
    }

    /**
     * Gives back the calling thread's cache of this allocator, if it has one, and drops it from
     * the thread's thread-locals, where it would otherwise keep this allocator's arenas
     * reachable after the run moved on; the arenas' memory goes back when the GC has collected
     * them.
     */
    @Override
    @SuppressWarnings("deprecation") // freeThreadLocalCache, deprecated in Netty 4.2, is what drops the thread-local
    public void close() {
        netty.trimCurrentThreadCache();
        netty.freeThreadLocalCache();
        System.gc();
    }
}
