package io.zeroheap.cli;

/**
 * Where the benchmark loops' results end, so the JIT cannot drop the work that produced them:
 * one volatile write per cell. Thread-safe (racy writes of unrelated values are fine: only
 * that the write happens matters).
 */
final class Sink {

    private static volatile long last;

    private Sink() {
    }

    /** Publishes {@code value}. */
    static void consume(long value) {
        last = value;
    }
}
