package io.zeroheap.cli;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * What one benchmark thread measured in one cell: its latencies, operations, bursts, busy time
 * and the most memory it saw the allocator hold. Written by that thread only, read by the
 * thread that merges the cell after joining it (the join publishes it).
 */
final class LoopTally {

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** Each operation's latency in nanoseconds, 3 significant digits. */
    final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    long operations;
    long bursts;
    /** Time spent in operations (bursts: from each burst's first operation to its end), in nanoseconds. */
    long busyNanos;
    long peakHeldBytes = -1;
    /** What the operations returned, summed, for the thread to sink. */
    long sink;

    LoopTally() {
        histogram.setAutoResize(true);
    }

    /** Samples the memory the allocator holds now into the high-water mark. */
    void sampleHeld(Allocator allocator) {
        peakHeldBytes = Math.max(peakHeldBytes, allocator.heldBytes());
    }

    /** Operations per second of busy time (0 if none). */
    double opsPerSecond() {
        return busyNanos > 0 ? operations * 1e9 / busyNanos : 0;
    }
}
