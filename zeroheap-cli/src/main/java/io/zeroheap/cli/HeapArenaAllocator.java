package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** {@code heap.newArena()}, {@code allocate(size, 4096)}, close: zeroheap's fast, confined path. */
final class HeapArenaAllocator extends HeapAllocator {

    HeapArenaAllocator(String name, boolean deferredFree) {
        super(name, deferredFree);
    }

    @Override
    public long cycle(int byteSize, boolean touch) {
        try (Arena arena = heap.newArena()) {
            MemorySegment segment = arena.allocate(byteSize, PAGE);
            if (touch) {
                PageTouch.touch(segment);
            }
            return segment.address();
        }
    }
}
