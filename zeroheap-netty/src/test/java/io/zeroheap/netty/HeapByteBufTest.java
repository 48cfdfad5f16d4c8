package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;

/** The contract on the allocator's heap ({@code byte[]}) buffers. */
class HeapByteBufTest extends ByteBufContract {

    @Override
    ByteBuf newBuffer(int initialCapacity, int maxCapacity) {
        return alloc.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    long used() {
        return alloc.metric().usedHeapMemory();
    }

    @Override
    boolean direct() {
        return false;
    }
}
