package io.zeroheap.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar, redrawn in place with a carriage return:
 * {@code [#########-----------]  45%  41/90  ETA 14 s  fill, 1 thread, burst 8, gap 2 ms, 1 MiB: ...}.
 * It draws only when told to (between cells, never while an operation is timed) and does
 * nothing at all when disabled. Not thread-safe: called by the thread that runs the benchmark.
 */
public final class ProgressBar implements Progress {

    private static final int WIDTH = 24;
    private static final int MAX_LINE = 130;

    private final PrintWriter out;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private int lastLength;

    /** Draws on {@code out} (standard error) if {@code enabled}. */
    public ProgressBar(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    @Override
    public void cellStarting(int index, int total, String label) {
        if (!enabled) {
            return;
        }
        double done = total == 0 ? 1 : (double) index / total;
        int filled = (int) Math.round(done * WIDTH);
        StringBuilder line = new StringBuilder(MAX_LINE);
        line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        line.append(String.format("%3d%%  %d/%d", Math.round(done * 100), index, total));
        long elapsedNanos = System.nanoTime() - startNanos;
        if (index > 0) {
            long etaSeconds = Math.round(elapsedNanos / 1e9 * (total - index) / index);
            line.append("  ETA ").append(etaSeconds).append(" s");
        }
        line.append("  ").append(label);
        draw(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line.toString());
    }

    /** Clears the line, leaving the cursor at its start; the next cell draws it again. */
    @Override
    public void clear() {
        if (enabled && lastLength > 0) {
            draw("");
        }
    }

    private void draw(String line) {
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad) + (line.isEmpty() ? "\r" : ""));
        out.flush();
        lastLength = line.length();
    }
}
