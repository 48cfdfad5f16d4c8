package io.zeroheap.cli;

/**
 * What one measurement is of, apart from the allocator: a use mode, a regime, a thread count
 * and a buffer size. Every allocator measured in the same cell did the same work.
 *
 * @param use      what is written and read
 * @param regime   sustained, or bursts with a gap
 * @param threads  benchmark threads running at once on one allocator instance (for hand-over
 *                 kinds: allocating threads, each with its own freeing thread)
 * @param byteSize the buffer size in bytes
 */
public record Cell(BufferUse use, Regime regime, int threads, long byteSize) {

    /** The cell in words, e.g. {@code "fill, 2 threads, burst 8, gap 2 ms, 64 KiB"}. */
    public String label() {
        return use.id() + ", " + threadsLabel(threads) + ", " + regime.label() + ", " + ByteSizes.label(byteSize);
    }

    /** {@code "1 thread"}, {@code "2 threads"}. */
    static String threadsLabel(int threads) {
        return threads + (threads == 1 ? " thread" : " threads");
    }
}
