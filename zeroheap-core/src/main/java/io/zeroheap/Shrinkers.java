package io.zeroheap;

import io.zeroheap.util.Loggers;
import io.zeroheap.observe.Events;
import io.zeroheap.observe.ShrinkEvent;
import io.zeroheap.util.Checks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registry of {@link Shrinker}s and the one place that asks them for memory back (the
 * kernel's shrinker list). Heaps and deferred free lists register here; memory-pressure
 * sources and users call {@link #shrink(long)}.
 *
 * <p><b>Order.</b> Shrinkers are asked in ascending {@link Shrinker#seeks()}, cheapest to
 * rebuild first, and in registration order among equals: pending frees (seeks 0) go before
 * pooled, already-zeroed pages ({@link Shrinker#DEFAULT_SEEKS}). Each is asked for what is
 * still missing, until the target is met.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. The registration list is
 * copy-on-write (registration is rare, shrinking walks an immutable snapshot); two concurrent
 * {@code shrink} calls both run, and the shrinkers sort out who frees what.
 */
public final class Shrinkers {

    private static final System.Logger LOG = Loggers.lazy(Shrinkers.class.getName());
    private static final Shrinkers SYSTEM = new Shrinkers();
    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt(Entry::seeks).thenComparingLong(Entry::registrationNumber);

    private final Object registrationLock = new Object();
    /** Immutable, sorted by ORDER; replaced under registrationLock. */
    private volatile List<Entry> entries = List.of();
    private long nextRegistrationNumber;
    private final AtomicLong failedScans = new AtomicLong();

    /** Creates an empty registry. Most code uses {@link #system()}. */
    public Shrinkers() {
    }

    /**
     * Returns the process-wide registry that zeroheap's heaps register with and that
     * memory-pressure sources call.
     */
    public static Shrinkers system() {
        return SYSTEM;
    }

    /**
     * Adds {@code shrinker}; it is asked from now on until the returned registration is closed.
     *
     * @return the registration; closing it removes the shrinker (idempotent)
     * @throws NullPointerException     if {@code shrinker} is null
     * @throws IllegalArgumentException if {@code shrinker} is already registered here, or its
     *                                  {@code seeks()} is negative
     */
    public Registration register(Shrinker shrinker) {
        Checks.requireNonNull(shrinker, "shrinker");
        int seeks = shrinker.seeks();
        if (seeks < 0) {
            throw new IllegalArgumentException("shrinker.seeks(): " + seeks + " (expected: >= 0)");
        }
        synchronized (registrationLock) {
            for (Entry entry : entries) {
                if (entry.shrinker == shrinker) {
                    throw new IllegalArgumentException(
                            "shrinker: " + shrinker + " (expected: not already registered)");
                }
            }
            Entry entry = new Entry(shrinker, seeks, nextRegistrationNumber++);
            List<Entry> updated = new ArrayList<>(entries);
            updated.add(entry);
            updated.sort(ORDER);
            entries = List.copyOf(updated);
            return () -> remove(entry);
        }
    }

    /**
     * Returns the registered shrinkers in the order {@link #shrink(long)} asks them.
     */
    public List<Shrinker> shrinkers() {
        return entries.stream().map(Entry::shrinker).toList();
    }

    /**
     * Returns the pages all registered shrinkers could free now (the sum of their counts).
     */
    public long count() {
        long total = 0;
        for (Entry entry : entries) {
            total += entry.shrinker.count();
        }
        return total;
    }

    /**
     * Asks the shrinkers, in order, for pages back on the calling thread until {@code nrPages}
     * were freed or every shrinker was asked. A shrinker that throws is logged, counted in
     * {@link #failedScans()} and skipped.
     *
     * @param nrPages pages wanted, {@code >= 0}
     * @return pages freed; may exceed {@code nrPages} by a shrinker's unit of freeing
     * @throws IllegalArgumentException if {@code nrPages < 0}
     */
    public long shrink(long nrPages) {
        Checks.requireNonNegative(nrPages, "nrPages");
        ShrinkEvent event = Events.startShrink();
        long freed = 0;
        for (Entry entry : entries) {
            if (freed >= nrPages) {
                break;
            }
            try {
                freed += entry.shrinker.scan(nrPages - freed);
            } catch (RuntimeException e) {
                failedScans.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING,
                        () -> "shrinker " + entry.shrinker + " threw; skipped", e);
            }
        }
        if (this == SYSTEM) { // a heap's own registry is reported by the heap's shrink
            Events.shrink(event, "", "Shrinkers.system()", nrPages, freed);
        }
        return freed;
    }

    /** Returns how many {@code scan} calls threw since this registry was created. */
    public long failedScans() {
        return failedScans.get();
    }

    private void remove(Entry entry) {
        synchronized (registrationLock) {
            List<Entry> updated = new ArrayList<>(entries);
            if (updated.remove(entry)) {
                entries = List.copyOf(updated);
            }
        }
    }

    /**
     * A shrinker's membership in a {@link Shrinkers} registry. Closing it removes the shrinker;
     * closing again does nothing. Thread-safe.
     */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {

        /** Removes the shrinker from the registry; idempotent. */
        @Override
        void close();
    }

    private record Entry(Shrinker shrinker, int seeks, long registrationNumber) {
    }
}
