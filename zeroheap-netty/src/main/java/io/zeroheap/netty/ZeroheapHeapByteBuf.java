package io.zeroheap.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * A heap {@code ByteBuf} on a {@code new byte[]}, which the JVM zeroes. Netty's own unpooled
 * heap buffers may use uninitialized arrays ({@code PlatformDependent.allocateUninitializedArray}),
 * so this class allocates its arrays itself and counts them in the allocator's metric.
 *
 * <p>Not thread-safe, as every {@code ByteBuf}: its reference count is atomic, the rest is for
 * one thread at a time.
 */
final class ZeroheapHeapByteBuf extends UnpooledHeapByteBuf {

    private final AllocatorMetric metric;

    /**
     * Allocates a buffer of {@code initialCapacity} zeroed bytes.
     *
     * @throws NullPointerException     if {@code alloc} is null
     * @throws IllegalArgumentException if {@code initialCapacity} is negative or above
     *                                  {@code maxCapacity}
     */
    ZeroheapHeapByteBuf(ByteBufAllocator alloc, AllocatorMetric metric, int initialCapacity, int maxCapacity) {
        Capacities.check(initialCapacity, maxCapacity);
        this.metric = metric; // before super(), which allocates the first array
        super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int initialCapacity) {
        byte[] array = new byte[initialCapacity];
        metric.heapChanged(initialCapacity);
        return array;
    }

    @Override
    protected void freeArray(byte[] array) {
        metric.heapChanged(-array.length);
    }
}
