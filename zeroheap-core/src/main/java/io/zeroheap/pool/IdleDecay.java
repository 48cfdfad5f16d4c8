package io.zeroheap.pool;

import io.zeroheap.util.Checks;

/**
 * How pooled chunks that nobody uses go back to the OS by themselves (as jemalloc's
 * {@code dirty_decay_ms}): the decay time is cut into {@link #TICKS} intervals; at the end of
 * each, a pool counts its chunks that stayed unused through the last <i>k</i> intervals
 * (the fewest chunks it held in each, the low-water marks) and keeps of those idle for
 * <i>k</i> intervals the share that the curve
 * {@code S(x) = 1 - smoothstep(x) = 1 - 3x² + 2x³} allows at {@code x = k / TICKS}. So a
 * pool left alone gives back 3% of its chunks after a tenth of the decay time, half after
 * half of it and all of them at the decay time; a pool in use keeps what it uses, as its
 * low-water marks stay low. The longest-unused chunks go first.
 *
 * <p>Immutable and thread-safe; each pool's {@link History} is guarded by the pool's lock.
 */
public final class IdleDecay {

    /** Intervals per decay time. */
    public static final int TICKS = 10;

    /** {@code KEEP[k]}: the share of chunks idle for k intervals that stays for one more. */
    private static final double[] KEEP = new double[TICKS + 1];

    static {
        for (int k = 1; k <= TICKS; k++) {
            KEEP[k] = survival((double) k / TICKS) / survival((double) (k - 1) / TICKS);
        }
    }

    private final long decayNanos;

    /**
     * @param decayNanos the time after which an unused pooled chunk is surely given back, in
     *                   nanoseconds, {@code > 0}
     * @throws IllegalArgumentException if {@code decayNanos <= 0}
     */
    public IdleDecay(long decayNanos) {
        this.decayNanos = Checks.requirePositive(decayNanos, "decayNanos");
    }

    /** Returns the decay time in nanoseconds. */
    public long decayNanos() {
        return decayNanos;
    }

    /** Returns the interval between ticks in nanoseconds: the decay time / {@link #TICKS}. */
    public long tickNanos() {
        return Math.max(1, decayNanos / TICKS);
    }

    /**
     * The share of a pool's chunks, all unused since time 0, that is still pooled at
     * {@code x} decay times ({@code 1 - smoothstep}, 1 at 0 and 0 from 1 on).
     */
    public static double survival(double x) {
        if (x <= 0) {
            return 1;
        }
        if (x >= 1) {
            return 0;
        }
        return 1 - x * x * (3 - 2 * x);
    }

    History newHistory() {
        return new History();
    }

    /** One pool's low-water marks of the last {@link #TICKS} intervals, newest first. */
    static final class History {
        private final long[] lows = new long[TICKS];

        /**
         * Ends an interval whose low-water mark was {@code low} chunks, with {@code pooled}
         * chunks pooled now.
         *
         * @return how many of the longest-idle chunks to give back now
         */
        long endInterval(long low, long pooled) {
            System.arraycopy(lows, 0, lows, 1, TICKS - 1);
            lows[0] = low;
            // idle[k-1]: chunks unused through each of the last k intervals.
            double keep = 0;
            long previous = Long.MAX_VALUE;
            long[] idle = new long[TICKS + 1];
            for (int k = 1; k <= TICKS; k++) {
                previous = Math.min(previous, Math.min(lows[k - 1], pooled));
                idle[k] = previous;
            }
            for (int k = 1; k <= TICKS; k++) {
                long cohort = idle[k] - (k < TICKS ? idle[k + 1] : 0);
                keep += cohort * KEEP[k];
            }
            long release = Math.max(0, idle[1] - Math.round(keep));
            for (int i = 0; i < TICKS; i++) {
                lows[i] = Math.max(0, Math.min(lows[i], pooled) - release);
            }
            return release;
        }
    }
}
