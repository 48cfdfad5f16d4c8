/**
 * A Netty {@code ByteBufAllocator} on a zeroheap heap:
 * {@link io.zeroheap.netty.ZeroheapByteBufAllocator}. Its direct buffers are zeroheap
 * {@code HeapBuffer}s, so every {@code ByteBuf} it hands out reads zero, and a stale one can
 * never reach memory that another buffer uses now.
 *
 * <p>Netty 4.2's jars are named modules; their types appear in this module's API, so they are
 * required transitively, as zeroheap is.
 */
module io.zeroheap.netty {
    requires transitive io.zeroheap;
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;

    exports io.zeroheap.netty;
}
