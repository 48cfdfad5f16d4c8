package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * One way to get a buffer and give it back: the thing {@code zeroheap bench} measures. An
 * instance belongs to the one benchmark thread that uses it; it is not thread-safe.
 */
public interface Allocator extends AutoCloseable {

    /** The stride of the touch, in bytes: one {@code long} is written per this many. */
    int PAGE_BYTES = 4096;

    /**
     * Allocates a buffer of {@code byteSize} bytes, writes one {@code long} per
     * {@link #PAGE_BYTES} if {@code touch}, and frees it: one measured operation.
     *
     * @param byteSize the buffer's size in bytes, at least 1
     * @param touch    whether to write one {@code long} per {@link #PAGE_BYTES} into the buffer
     * @return a value that depends on the buffer, for the caller to sink (so nothing is
     *         optimised away)
     */
    long cycle(int byteSize, boolean touch);

    /**
     * Untimed, for tests: allocates a buffer of {@code byteSize} bytes with the same calls as
     * {@link #cycle} (zeroing included, where the allocator zeroes), hands its memory to
     * {@code action} to read and write, and frees it.
     *
     * @param byteSize the buffer's size in bytes, at least 1
     * @param action   what to do with the buffer's memory while it is allocated
     */
    void use(int byteSize, Consumer<MemorySegment> action);

    /**
     * Untimed, between bursts: waits until the allocator's background work is done, at most
     * {@code maxNanos}. Allocators without background work return at once.
     */
    default void awaitIdle(long maxNanos) {
    }

    /** Untimed, before each size: gives back what earlier sizes left pooled, if it can. */
    default void trim() {
    }

    /**
     * Bytes the allocator holds now, or -1 where it cannot tell: for zeroheap the heap's
     * reserved bytes, for Netty its arenas' direct memory, for {@code allocateDirect} the
     * JVM's direct buffer pool (buffers awaiting the GC included).
     */
    default long heldBytes() {
        return -1;
    }

    /** Releases what the allocator holds. */
    @Override
    void close();
}
