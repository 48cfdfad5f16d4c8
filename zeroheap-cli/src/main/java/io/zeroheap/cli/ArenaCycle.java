package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * One operation of an arena-per-operation allocator (zeroheap's heap arenas and the JDK's):
 * allocate from a freshly opened arena with the default alignment, use the segment, close the
 * arena. Stateless; the arena is the caller's thread's.
 */
final class ArenaCycle {

    private ArenaCycle() {
    }

    /**
     * Allocates {@code byteSize} bytes from {@code arena}, does {@code use}'s work on them, then
     * closes the arena.
     *
     * @return what {@link BufferUse#apply} returned (for the caller to sink, so the work is not dead)
     */
    static long cycle(Arena arena, int byteSize, BufferUse use) {
        try (arena) {
            return use.apply(arena.allocate(byteSize));
        }
    }

    /** Allocates {@code byteSize} bytes from {@code arena}, hands them to {@code action}, then closes the arena. */
    static void use(Arena arena, int byteSize, Consumer<MemorySegment> action) {
        try (arena) {
            action.accept(arena.allocate(byteSize));
        }
    }
}
