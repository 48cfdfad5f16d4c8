package io.zeroheap.cli;

import io.zeroheap.HeapBuffer;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/** {@code heap.allocate(size)}, {@code segment()}, {@code close()}: zeroheap's refcounted buffers. */
final class HeapBufferAllocator extends HeapAllocator {

    HeapBufferAllocator(String name, boolean deferredFree) {
        super(name, deferredFree);
    }

    @Override
    public long cycle(int byteSize, boolean touch) {
        HeapBuffer buffer = heap.allocate(byteSize);
        try {
            MemorySegment segment = buffer.segment();
            if (touch) {
                PageTouch.touch(segment);
            }
            return segment.address();
        } finally {
            buffer.close();
        }
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        try (HeapBuffer buffer = heap.allocate(byteSize)) {
            action.accept(buffer.segment());
        }
    }
}
