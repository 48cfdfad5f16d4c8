/**
 * Netty buffers on zeroheap: {@link io.zeroheap.netty.ZeroheapByteBufAllocator} is the API;
 * the {@code ByteBuf} subclasses, the memory each direct buffer holds and the allocator's
 * metric are package-private.
 *
 * <p>A direct {@code ByteBuf} holds one zeroheap {@code HeapBuffer} at a time (two for the
 * moment a capacity change copies from the old to the new) and reaches it only through a
 * {@code ByteBuffer} view of the buffer's scoped segment: once the {@code ByteBuf} is released
 * and the heap retires the buffer's generation, every view throws instead of reading whatever
 * the memory holds next.
 */
package io.zeroheap.netty;
