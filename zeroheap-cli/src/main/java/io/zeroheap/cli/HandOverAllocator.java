package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * An {@link Allocator} whose buffers may be freed on another thread than the one that
 * allocated them: the hand-over kinds allocate on one thread and free on a second
 * ({@link HandOverLoop}). {@link #cycle} and {@link #use} do all three steps on the calling
 * thread. Thread-safe, like every allocator.
 *
 * @param <B> the buffer type ({@code HeapBuffer}, Netty's {@code ByteBuf})
 */
interface HandOverAllocator<B> extends Allocator {

    /** Allocates a buffer of {@code byteSize} bytes (zeroed, where the allocator zeroes). */
    B allocate(int byteSize);

    /** The buffer's memory, as a segment of its {@code byteSize} bytes. */
    MemorySegment segment(B buffer);

    /** Frees the buffer; may be called on any thread, once per buffer. */
    void free(B buffer);

    @Override
    default long cycle(int byteSize, BufferUse use) {
        B buffer = allocate(byteSize);
        try {
            return use.apply(segment(buffer));
        } finally {
            free(buffer);
        }
    }

    @Override
    default void use(int byteSize, Consumer<MemorySegment> action) {
        B buffer = allocate(byteSize);
        try {
            action.accept(segment(buffer));
        } finally {
            free(buffer);
        }
    }
}
