package io.zeroheap.cli;

/**
 * The measurement of one cell: one allocator, regime, touch mode and size. Latencies are of
 * one allocate-(touch)-free each, in nanoseconds, timer overhead included.
 *
 * @param allocator        the allocator
 * @param regime           burst or sustained
 * @param touchMode        touched or untouched
 * @param byteSize         the buffer size
 * @param operations       operations recorded
 * @param p50Nanos         median latency
 * @param p99Nanos         99th percentile
 * @param p999Nanos        99.9th percentile
 * @param maxNanos         the slowest operation
 * @param meanNanos        mean latency
 * @param opsPerSecond     operations per second of busy time (bursts only, pauses excluded)
 * @param peakHeldBytes    the most a zeroheap heap held from the OS during the measurement
 *                         (sampled after each burst, or every 10 ms), or -1 for other allocators
 */
public record BenchResult(
        AllocatorKind allocator,
        Regime regime,
        TouchMode touchMode,
        long byteSize,
        long operations,
        long p50Nanos,
        long p99Nanos,
        long p999Nanos,
        long maxNanos,
        double meanNanos,
        double opsPerSecond,
        long peakHeldBytes) {

    /** Bytes per second of busy time. */
    public double bytesPerSecond() {
        return opsPerSecond * byteSize;
    }

    /** Whether this result belongs to the same cell as {@code other} apart from the allocator. */
    public boolean sameCell(BenchResult other) {
        return regime == other.regime && touchMode == other.touchMode && byteSize == other.byteSize;
    }
}
