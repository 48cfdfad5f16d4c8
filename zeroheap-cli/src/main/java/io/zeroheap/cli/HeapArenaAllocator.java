package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * {@code heap.newArena()}, {@code allocate(size)}, close: zeroheap's fast, confined path. The
 * same call as the JDK arenas get (default alignment); the segment is page-aligned anyway,
 * since every chunk is.
 */
final class HeapArenaAllocator extends HeapAllocator {

    HeapArenaAllocator(String name, boolean deferredFree) {
        super(name, deferredFree);
    }

    @Override
    public long cycle(int byteSize, boolean touch) {
        return ArenaCycle.cycle(heap.newArena(), byteSize, touch);
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        ArenaCycle.use(heap.newArena(), byteSize, action);
    }
}
