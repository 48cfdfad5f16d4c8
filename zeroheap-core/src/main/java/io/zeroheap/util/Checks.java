package io.zeroheap.util;

/**
 * Argument checks whose messages name the argument, the value and what was expected, as in
 * {@code nrPages: -1 (expected: >= 0)}. Thread-safe (stateless).
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Returns {@code value} if it is not negative.
     *
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static long requireNonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is a power of two greater than zero.
     *
     * @throws IllegalArgumentException if it is not
     */
    public static long requirePowerOfTwo(long value, String name) {
        if (value <= 0 || Long.bitCount(value) != 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a power of two > 0)");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is positive.
     *
     * @throws IllegalArgumentException if {@code value <= 0}
     */
    public static long requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is not null.
     *
     * @throws NullPointerException naming {@code name} if {@code value} is null
     */
    public static <T> T requireNonNull(T value, String name) {
        if (value == null) { // no message supplier: hot paths (defer) must not allocate
            throw new NullPointerException(name + ": null (expected: non-null)");
        }
        return value;
    }

    /**
     * Returns {@code value} if it lies in {@code [min, max]}.
     *
     * @throws IllegalArgumentException if it does not
     */
    public static int requireInRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: in [" + min + ", " + max + "])");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is not blank.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is empty or only whitespace
     */
    public static String requireNonBlank(String value, String name) {
        requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: not blank)");
        }
        return value;
    }
}
