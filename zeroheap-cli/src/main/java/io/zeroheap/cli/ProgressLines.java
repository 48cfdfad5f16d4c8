package io.zeroheap.cli;

import java.io.PrintWriter;

/**
 * Progress for a console that is not a terminal (output piped to a file): one line per
 * finished cell, {@code [41/270 15%, 12 s, ETA 66 s] fill, 1 thread, burst 8, gap 2 ms, 1 MiB:
 * zeroheap newArena(): p50 4.2 µs (cell 412 ms)}, and one per allocator's JIT warm-up. Not thread-safe:
 * called by the thread that runs the benchmark.
 */
final class ProgressLines implements Progress {

    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private long cellStartNanos = startNanos;

    /** Prints on {@code out} (standard error). */
    ProgressLines(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void cellStarting(int index, int total, String label) {
        cellStartNanos = System.nanoTime();
        if (label.startsWith("JIT warm-up")) {
            out.println(label);
            out.flush();
        }
    }

    @Override
    public void cellDone(int index, int total, String label, BenchResult result) {
        int done = index + 1;
        double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
        long etaSeconds = Math.round(elapsedSeconds * (total - done) / done);
        out.printf("[%d/%d %d%%, %d s, ETA %d s] %s: p50 %s (cell %s)%n", done, total, Math.round(100.0 * done / total),
                Math.round(elapsedSeconds), etaSeconds, label, Durations.latency(result.p50Nanos()),
                Durations.latency(System.nanoTime() - cellStartNanos));
        out.flush();
    }

    @Override
    public void clear() {
    }
}
