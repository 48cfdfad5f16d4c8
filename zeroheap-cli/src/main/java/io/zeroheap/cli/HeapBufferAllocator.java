package io.zeroheap.cli;

import io.zeroheap.HeapBuffer;

import java.lang.foreign.MemorySegment;

/**
 * {@code heap.allocate(size)}, {@code segment()}, {@code close()}: zeroheap's refcounted buffers,
 * which any thread may close (so they can be handed over).
 */
final class HeapBufferAllocator extends HeapAllocator implements HandOverAllocator<HeapBuffer> {

    HeapBufferAllocator(String name, boolean deferredFree) {
        super(name, deferredFree);
    }

    @Override
    public HeapBuffer allocate(int byteSize) {
        return heap.allocate(byteSize);
    }

    @Override
    public MemorySegment segment(HeapBuffer buffer) {
        return buffer.segment();
    }

    @Override
    public void free(HeapBuffer buffer) {
        buffer.close();
    }
}
