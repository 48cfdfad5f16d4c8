package io.zeroheap.cli;

/**
 * How long one cell runs, per benchmark thread: a warm-up, then a measurement that ends on
 * time once it has enough operations (and, in burst regimes, enough bursts for a stable
 * median even with long gaps), or at a limit, for cells whose operations are slow (32 MiB of
 * fresh memory: 80 ms an operation on a VM whose page faults cost 10 µs). Elapsed times count
 * from the phase's start, gaps included; busy time counts only the operations.
 *
 * @param warmupNanos     the least warm-up (at least {@value #MIN_WARMUP_OPS} operation); a
 *                        burst warm-up ends with its gap, so measuring starts after idle time
 * @param measureNanos    the least measurement, once {@code minOps} and {@code minBursts} are reached
 * @param maxMeasureNanos the most elapsed measurement: past it a burst cell stops after its
 *                        next whole burst, a sustained one once it has {@value #MIN_SLOW_OPS}
 *                        operations, whatever the minimum counts say
 * @param maxBusyNanos    the most busy time: past it a cell stops as soon as it has
 *                        {@value #MIN_SLOW_OPS} operations, mid-burst if need be (so a cell of
 *                        slow operations costs a few of them, while a cell that mostly idles in
 *                        long gaps still gets its bursts)
 * @param minBursts       the fewest bursts a burst cell measures (unless a limit stops it)
 * @param minOps          the fewest operations a cell measures (unless a limit stops it)
 */
public record CellBudget(long warmupNanos, long measureNanos, long maxMeasureNanos, long maxBusyNanos, int minBursts,
                         int minOps) {

    /** The fewest warm-up operations. */
    public static final int MIN_WARMUP_OPS = 1;

    /** The fewest operations a cell measures when a limit stops it. */
    public static final int MIN_SLOW_OPS = 4;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a time is negative, the measurement is not positive or
     *                                  a limit is below it, or a minimum count is below 1
     */
    public CellBudget {
        if (warmupNanos < 0 || measureNanos <= 0 || maxMeasureNanos < measureNanos || maxBusyNanos <= 0
                || minBursts < 1 || minOps < 1) {
            throw new IllegalArgumentException("budget: warm-up " + warmupNanos + " ns, measure " + measureNanos
                    + " ns, max " + maxMeasureNanos + " ns, max busy " + maxBusyNanos + " ns, " + minBursts + " bursts, "
                    + minOps + " ops (expected: warm-up >= 0, 0 < measure <= max, max busy > 0, counts >= 1)");
        }
    }

    /** Whether a warm-up that has run {@code elapsedNanos} and {@code ops} operations is done. */
    boolean warmupDone(long elapsedNanos, long ops) {
        return elapsedNanos >= warmupNanos && ops >= MIN_WARMUP_OPS;
    }

    /** Whether a sustained measurement that has run {@code elapsedNanos} (all busy) and {@code ops} operations is done. */
    boolean sustainedDone(long elapsedNanos, long ops) {
        return (elapsedNanos >= measureNanos && ops >= minOps)
                || (elapsedNanos >= Math.min(maxMeasureNanos, maxBusyNanos) && ops >= MIN_SLOW_OPS);
    }

    /** Whether a burst measurement that has run {@code elapsedNanos}, {@code ops} operations and {@code bursts} whole bursts is done. */
    boolean burstsDone(long elapsedNanos, long ops, long bursts) {
        return (elapsedNanos >= measureNanos && ops >= minOps && bursts >= minBursts)
                || (elapsedNanos >= maxMeasureNanos && bursts >= 1);
    }

    /** Whether a measurement that has been busy {@code busyNanos} over {@code ops} operations must stop now, mid-burst or not. */
    boolean busyLimitReached(long busyNanos, long ops) {
        return busyNanos >= maxBusyNanos && ops >= MIN_SLOW_OPS;
    }
}
