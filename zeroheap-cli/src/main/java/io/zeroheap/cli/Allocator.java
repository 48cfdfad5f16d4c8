package io.zeroheap.cli;

/**
 * One way to get a buffer and give it back: the thing {@code zeroheap bench} measures. An
 * instance belongs to the one benchmark thread that uses it; it is not thread-safe.
 */
public interface Allocator extends AutoCloseable {

    /** The stride of the touch, and the alignment every segment is asked for. */
    int PAGE = 4096;

    /**
     * Allocates a buffer of {@code byteSize} bytes, writes one {@code long} per 4 KiB page if
     * {@code touch}, and frees it: one measured operation.
     *
     * @return a value that depends on the buffer, for the caller to sink (so nothing is
     *         optimised away)
     */
    long cycle(int byteSize, boolean touch);

    /**
     * Untimed, between bursts: waits until the allocator's background work is done, at most
     * {@code maxNanos}. Allocators without background work return at once.
     */
    default void awaitIdle(long maxNanos) {
    }

    /** Untimed, before each size: gives back what earlier sizes left pooled, if it can. */
    default void trim() {
    }

    /** Bytes the allocator holds from the OS now, or -1 where it cannot tell. */
    default long heldBytes() {
        return -1;
    }

    /** Releases what the allocator holds. */
    @Override
    void close();
}
