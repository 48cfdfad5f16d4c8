package io.zeroheap.cli;

import java.util.Locale;

/**
 * How {@code zeroheap bench} paces its operations: a sustained tight loop, or bursts of
 * {@code burstLength} operations back to back with {@code gapNanos} of idle time after each,
 * the same gap for every allocator (nothing waits for a background worker: a server's idle
 * time is what it is). Each gap is its own regime, its own column in the tables.
 *
 * @param burst       whether this is a burst regime (else sustained)
 * @param burstLength operations per burst (burst regimes; 0 for sustained)
 * @param gapNanos    idle time after each burst, in nanoseconds (0 for sustained)
 */
public record Regime(boolean burst, int burstLength, long gapNanos) {

    /** The sustained regime. */
    public static final Regime SUSTAINED = new Regime(false, 0, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a burst has fewer than one operation or a negative
     *                                  gap, or the sustained regime has either
     */
    public Regime {
        if (burst && (burstLength < 1 || gapNanos < 0)) {
            throw new IllegalArgumentException("burst: " + burstLength + " operations, gap " + gapNanos
                    + " ns (expected: >= 1 operation, gap >= 0)");
        }
        if (!burst && (burstLength != 0 || gapNanos != 0)) {
            throw new IllegalArgumentException("sustained: " + burstLength + " operations, gap " + gapNanos
                    + " ns (expected: 0 and 0)");
        }
    }

    /** Bursts of {@code burstLength} operations with {@code gapNanos} idle after each. */
    public static Regime burst(int burstLength, long gapNanos) {
        return new Regime(true, burstLength, gapNanos);
    }

    /** Whether this is a burst regime. */
    public boolean isBurst() {
        return burst;
    }

    /** {@code "burst"} or {@code "sustained"}: the kind of regime, as in the JSON and the HTML attributes. */
    public String id() {
        return burst ? "burst" : "sustained";
    }

    /** The gap in milliseconds (0 for sustained). */
    public double gapMillis() {
        return gapNanos / 1e6;
    }

    /** The column title: {@code "sustained"} or {@code "burst 8, gap 2 ms"}. */
    public String label() {
        return burst ? "burst " + burstLength + ", " + shortLabel() : "sustained";
    }

    /** The short name in verdicts: {@code "sustained"} or {@code "gap 2 ms"}. */
    public String shortLabel() {
        return burst ? "gap " + Numbers.threeDigits(gapMillis()) + " ms" : "sustained";
    }

    /** A key for HTML ids: {@code "sustained"} or {@code "gap-2ms"}. */
    public String key() {
        return burst ? ("gap-" + Numbers.threeDigits(gapMillis()) + "ms").replace('.', '_').toLowerCase(Locale.ROOT) : "sustained";
    }
}
