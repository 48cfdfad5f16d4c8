package io.zeroheap.cli;

/**
 * The measurement of one allocator in one {@link Cell}. Latencies are of one operation each
 * (allocate, use, free; for hand-over kinds allocate and use on the allocating thread), in
 * nanoseconds, timer overhead included, from the histograms of all the cell's threads merged.
 *
 * @param allocator     the allocator
 * @param cell          the use mode, regime, thread count and size
 * @param operations    operations recorded, all threads together
 * @param p50Nanos      median latency
 * @param p99Nanos      99th percentile
 * @param p999Nanos     99.9th percentile
 * @param maxNanos      the slowest operation
 * @param meanNanos     mean latency
 * @param opsPerSecond  aggregate throughput: the sum over threads of operations per second of
 *                      that thread's busy time (gaps between bursts excluded; for hand-over
 *                      kinds, until the freeing thread has closed them)
 * @param peakHeldBytes the most the allocator held during the measurement (sampled after each
 *                      burst, or every 10 ms), or -1 where it cannot tell
 */
public record BenchResult(
        AllocatorKind allocator,
        Cell cell,
        long operations,
        long p50Nanos,
        long p99Nanos,
        long p999Nanos,
        long maxNanos,
        double meanNanos,
        double opsPerSecond,
        long peakHeldBytes) {

    /** The use mode. */
    public BufferUse use() {
        return cell.use();
    }

    /** The regime. */
    public Regime regime() {
        return cell.regime();
    }

    /** The number of benchmark threads. */
    public int threads() {
        return cell.threads();
    }

    /** The buffer size in bytes. */
    public long byteSize() {
        return cell.byteSize();
    }

    /** Bytes per second of busy time, all threads together. */
    public double bytesPerSecond() {
        return opsPerSecond * cell.byteSize();
    }
}
