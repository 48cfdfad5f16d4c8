package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * {@code heap.newArena()}, {@code allocate(size)}, close: zeroheap's fast, confined path. The
 * same call as the JDK arenas get (default alignment); the segment is page-aligned anyway,
 * since every chunk is. Each operation opens its arena on the calling thread, so threads share
 * the heap and nothing else.
 */
final class HeapArenaAllocator extends HeapAllocator {

    HeapArenaAllocator(String name, boolean deferredFree) {
        super(name, deferredFree);
    }

    @Override
    public long cycle(int byteSize, BufferUse use) {
        return ArenaCycle.cycle(heap.newArena(), byteSize, use);
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        ArenaCycle.use(heap.newArena(), byteSize, action);
    }
}
