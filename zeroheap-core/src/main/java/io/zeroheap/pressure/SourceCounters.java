package io.zeroheap.pressure;

/**
 * The totals of one pressure source: signals, pages asked for, pages freed, and the latency
 * of the last signal. Thread-safe (synchronized: updates are rare, one per reclaim).
 */
public final class SourceCounters {

    private long signals;
    private long pagesAsked;
    private long pagesFreed;
    private long lastLatencyNanos;

    /** Records one signal and its reclaim. */
    public synchronized void add(long nrPagesAsked, long nrPagesFreed, long latencyNanos) {
        signals++;
        pagesAsked += nrPagesAsked;
        pagesFreed += nrPagesFreed;
        lastLatencyNanos = latencyNanos;
    }

    /** Returns {@code [signals, pagesAsked, pagesFreed, lastLatencyNanos]}, read together. */
    public synchronized long[] snapshot() {
        return new long[] {signals, pagesAsked, pagesFreed, lastLatencyNanos};
    }
}
