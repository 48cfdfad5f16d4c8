package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A physical floor, not an allocator: a bare per-thread last-in first-out stack of segments,
 * with no accounting and no lock. With one buffer live at a time each thread reuses the one
 * segment it freed last, hot in its core's cache.
 * <ul>
 *   <li>{@code floor-stale} ({@code zeroOnFree} false): reused without zeroing, as Netty's pool
 *       hands out dirty memory. What the use costs on hot memory, and nothing else.</li>
 *   <li>{@code floor-local} ({@code zeroOnFree} true): each segment zeroed on the freeing thread
 *       right after its use ({@link FloorZeroing}), while it is still in that core's cache: the
 *       floor of zeroing on the caller's thread, what glibc's hot chunk plus calloc-style
 *       zeroing gives the JDK's arenas at best.</li>
 * </ul>
 * Thread-safe: each thread has its own stack ({@link ThreadLocal}); the segments come from a
 * shared {@link FloorMemory}.
 */
final class LifoFloorAllocator implements Allocator {

    private final FloorMemory memory = new FloorMemory();
    private final ThreadLocal<Stack> stacks = ThreadLocal.withInitial(Stack::new);
    private final boolean zeroOnFree;

    LifoFloorAllocator(boolean zeroOnFree) {
        this.zeroOnFree = zeroOnFree;
    }

    @Override
    public long cycle(int byteSize, BufferUse use) {
        Stack stack = stacks.get();
        MemorySegment segment = stack.pop(memory, byteSize);
        try {
            return use.apply(segment);
        } finally {
            free(stack, segment);
        }
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        Stack stack = stacks.get();
        MemorySegment segment = stack.pop(memory, byteSize);
        try {
            action.accept(segment);
        } finally {
            free(stack, segment);
        }
    }

    private void free(Stack stack, MemorySegment segment) {
        if (zeroOnFree) {
            FloorZeroing.zero(segment);
        }
        stack.segments.addLast(segment);
    }

    /** Frees every segment (no benchmark thread is running). */
    @Override
    public void trim() {
        memory.reset();
    }

    /** Bytes of the segments the stacks hold (one per thread and size, with one buffer live per thread). */
    @Override
    public long heldBytes() {
        return memory.heldBytes();
    }

    @Override
    public void close() {
        memory.close();
    }

    /** One thread's stack; touched only by its thread. */
    private static final class Stack {
        final ArrayDeque<MemorySegment> segments = new ArrayDeque<>();
        int epoch = -1;

        /** The segment freed last, if it is of this size and generation; else a new one. */
        MemorySegment pop(FloorMemory memory, int byteSize) {
            if (epoch != memory.epoch()) {
                segments.clear();
                epoch = memory.epoch();
            }
            MemorySegment segment = segments.pollLast();
            while (segment != null && segment.byteSize() != byteSize) {
                segment = segments.pollLast(); // another size's: dropped, freed by the next reset
            }
            return segment != null ? segment : memory.allocate(byteSize);
        }
    }
}
