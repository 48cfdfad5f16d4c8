package io.zeroheap;

import java.util.Locale;

/**
 * How a heap looks for {@link HeapBuffer}s and heap arenas that become unreachable without
 * being closed. A <em>tracked</em> object gets its allocation stack trace captured; if it
 * leaks, the leak is reported through {@link System.Logger} (logger {@value #LOGGER_NAME},
 * level {@code WARNING}, the stack trace as the thrown argument), counted in
 * {@link HeapStats#leakedBuffers()}, {@link HeapStats#leakedArenas()} and
 * {@link HeapStats#leakedBytes()}, and its memory goes back through the normal deferred free
 * path. An untracked object that leaks is never found (as with Netty's {@code SIMPLE} level
 * for the objects it does not sample).
 *
 * <p>When a tracked leak is found: a buffer once the {@link HeapBuffer} object is unreachable
 * (its segment then dies when its generation retires, so keep the buffer reachable while its
 * segment is in use); an arena once the arena and every segment it handed out are unreachable
 * (so no live segment ever loses its memory). Detection runs on a daemon thread
 * ({@code zeroheap-leak-detector}) that the garbage collector feeds; allocating threads only
 * register and unregister a phantom reference for tracked objects.
 *
 * <p>What an unfound leak costs: a leaked {@link HeapBuffer} keeps its chunk and pins its
 * buffer generation (up to {@link SystemHeap.Builder#generationMaxBytes} of freed chunks that
 * cannot be recycled) until the heap is closed; under memory pressure the pinned chunks'
 * pages go back to the OS, so it costs address space, not memory. A leaked shared arena keeps
 * its memory until the heap is closed; a leaked confined arena keeps it for good (nothing but
 * its owner thread may close its scope, as with {@link java.lang.foreign.Arena#ofConfined()}).
 *
 * <p>Set per heap with {@link SystemHeap.Builder#leakDetection(LeakDetection)}; when it is
 * not set, {@link SystemHeap.Builder#build()} reads the system property {@value #PROPERTY}
 * ({@code off}, {@code sampled} or {@code all}; default {@code sampled}).
 */
public enum LeakDetection {

    /** Nothing tracked: an unclosed buffer or arena keeps its memory until the heap is closed. */
    OFF,
    /**
     * One allocation in {@value #SAMPLE_INTERVAL}, drawn at random, is tracked, at most
     * {@value #MAX_SAMPLES_PER_SECOND} a second per heap: found, reclaimed and reported with its
     * allocation stack trace if it leaks. The others cost one random draw and are not found if
     * they leak: a leak that repeats is reported after about {@value #SAMPLE_INTERVAL}
     * occurrences (or within a second or two at high rates), and most of its instances stay
     * unfound (see above for what they cost). The cap keeps the stack traces, about ten
     * microseconds each when the caches are cold, from adding up at millions of allocations a
     * second. Cheap enough to leave on (see the README's measured cost).
     */
    SAMPLED,
    /**
     * Every allocation is tracked, with its stack trace: every leak is found and reclaimed. For
     * debugging and tests; a stack trace per allocation costs about a microsecond.
     */
    ALL;

    /** The system property that sets the builder's default level. */
    public static final String PROPERTY = "io.zeroheap.leakDetection";
    /** The logger leaks are reported to. */
    public static final String LOGGER_NAME = "io.zeroheap.leak";
    /** {@link #SAMPLED} tracks one allocation in this many, on average. */
    public static final int SAMPLE_INTERVAL = 128;
    /** {@link #SAMPLED} tracks at most this many allocations a second per heap. */
    public static final int MAX_SAMPLES_PER_SECOND = 64;

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
