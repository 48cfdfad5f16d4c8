package io.zeroheap.netty;

/** The argument checks of a buffer's capacities, with messages that name the value and what was expected. */
final class Capacities {

    private Capacities() {
    }

    /**
     * Checks that {@code 0 <= initialCapacity <= maxCapacity}.
     *
     * @throws IllegalArgumentException if not
     */
    static void check(int initialCapacity, int maxCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity: " + initialCapacity + " (expected: >= 0)");
        }
        if (initialCapacity > maxCapacity) {
            throw new IllegalArgumentException("initialCapacity: " + initialCapacity
                    + " (expected: <= maxCapacity " + maxCapacity + ")");
        }
    }
}
