package io.zeroheap;

import java.util.Locale;

/**
 * How a heap looks for {@link HeapBuffer}s and heap arenas that become unreachable without
 * being closed. A leak found is reported through {@link System.Logger} (logger
 * {@value #LOGGER_NAME}, level {@code WARNING}), counted in {@link HeapStats#leakedBuffers()},
 * {@link HeapStats#leakedArenas()} and {@link HeapStats#leakedBytes()}, and its memory goes
 * back through the normal deferred free path.
 *
 * <p>When a leak is found: a buffer once the {@link HeapBuffer} object is unreachable (its
 * segment then dies when its generation retires, so keep the buffer reachable while its
 * segment is in use); an arena once the arena and every segment it handed out are unreachable
 * (so no live segment ever loses its memory). Detection runs on a daemon thread
 * ({@code zeroheap-leak-detector}) that the garbage collector feeds; allocating threads only
 * register and unregister a phantom reference.
 *
 * <p>Set per heap with {@link SystemHeap.Builder#leakDetection(LeakDetection)}; the builder's
 * default is read once, when the builder is made, from the system property
 * {@value #PROPERTY} ({@code off}, {@code sampled} or {@code all}; default {@code sampled}).
 */
public enum LeakDetection {

    /** No tracking: an unclosed buffer or arena keeps its memory until the heap is closed. */
    OFF,
    /**
     * Every buffer and arena is tracked, found and reclaimed; the allocation stack trace is
     * captured for about one allocation in {@value #SAMPLE_INTERVAL}, so a report names the
     * culprit once a leak repeats. Cheap enough to leave on (see the README's measured cost).
     */
    SAMPLED,
    /** Like {@link #SAMPLED}, with the allocation stack trace of every allocation: for debugging. */
    ALL;

    /** The system property that sets the builder's default level. */
    public static final String PROPERTY = "io.zeroheap.leakDetection";
    /** The logger leaks are reported to. */
    public static final String LOGGER_NAME = "io.zeroheap.leak";
    /** {@link #SAMPLED} captures a stack trace for one allocation in about this many. */
    public static final int SAMPLE_INTERVAL = 128;

    /**
     * Parses a level name, case-insensitively: {@code off}, {@code sampled} or {@code all}.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is none of these
     */
    public static LeakDetection parse(String name) {
        if (name == null) {
            throw new NullPointerException("leak detection level: null (expected: off, sampled or all)");
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "sampled" -> SAMPLED;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException(
                    "leak detection level: \"" + name + "\" (expected: off, sampled or all)");
        };
    }

    /**
     * Returns the level the system property {@value #PROPERTY} names, or {@link #SAMPLED} if it
     * is not set.
     *
     * @throws IllegalArgumentException if the property is set to an unknown level
     */
    public static LeakDetection fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null ? SAMPLED : parse(value);
    }
}
