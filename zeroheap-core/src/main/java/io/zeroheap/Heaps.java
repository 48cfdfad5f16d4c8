package io.zeroheap;

import io.zeroheap.util.Checks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of named heaps (the {@code /dev/dma_heap/<name>} idea) and the process-wide
 * system heap. Heaps built with {@link SystemHeap.Builder#register(boolean)} on (the default)
 * appear here until they are closed; other {@link Heap} implementations added with
 * {@link #register} stay until the process ends.
 *
 * <p>Thread-safe.
 */
public final class Heaps {

    /** The name of the process-wide heap. */
    public static final String SYSTEM = "system";

    private static final ConcurrentHashMap<String, Heap> HEAPS = new ConcurrentHashMap<>();

    private Heaps() {
    }

    /**
     * Returns the process-wide system heap, created on first use with the default settings:
     * no budget (it grows as the process needs, and gives memory back under pressure and when
     * idle), registered as {@value #SYSTEM}, with a JMX bean unless the system property
     * {@code zeroheap.jmx} is {@code false}. The first call takes a few milliseconds; the
     * heap's JMX bean, idle decay and JFR statistics start on a background thread. Its
     * {@link Heap#close()} throws {@link UnsupportedOperationException}: it is shared by the
     * whole process, as {@link java.lang.foreign.Arena#global()} is. Thread-safe.
     *
     * @throws IllegalStateException if the JVM denies zeroheap native access (the message names
     *                               the {@code --enable-native-access} flag to add)
     */
    public static Heap system() {
        Heap heap = system;
        if (heap != null) {
            return heap;
        }
        synchronized (Heaps.class) {
            if (system == null) { // a build that threw (no native access) is tried again next time
                system = SystemHeap.builder().processWide().build();
            }
            return system;
        }
    }

    private static volatile Heap system;

    /**
     * Returns the registered heap named {@code name}, if any.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static Optional<Heap> find(String name) {
        return Optional.ofNullable(HEAPS.get(Checks.requireNonNull(name, "name")));
    }

    /**
     * Gives back everything every registered heap can spare, on the calling thread: pending
     * frees first (freed {@link FreeReason#UNDER_PRESSURE}, unzeroed), then pinned freed
     * buffers, then pools; what {@link Shrinkers#system()} holds. Recorded as
     * {@link PressureSource#MANUAL} in {@link Reclaimer#system()}'s stats.
     *
     * @return pages freed
     */
    public static long shrinkAll() {
        return Reclaimer.system().shrinkAll();
    }

    /** Returns the names of the registered heaps. */
    public static List<String> names() {
        return List.copyOf(HEAPS.keySet());
    }

    /**
     * Registers {@code heap} under its name.
     *
     * @throws IllegalArgumentException if another heap has that name
     */
    public static void register(Heap heap) {
        Checks.requireNonNull(heap, "heap");
        Heap existing = HEAPS.putIfAbsent(heap.name(), heap);
        if (existing != null && existing != heap) {
            throw new IllegalArgumentException("heap name: \"" + heap.name()
                    + "\" (expected: unique; already registered: " + existing + ")");
        }
    }

    /** Removes {@code heap} if it is the one registered under its name. */
    static void unregister(Heap heap) {
        HEAPS.remove(heap.name(), heap);
    }
}
