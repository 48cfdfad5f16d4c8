package io.zeroheap.pressure;

import io.zeroheap.Shrinkers;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The heaps' idle-decay ticks, each at its own period, run by one thread.
 *
 * <p>Thread-safety: {@link #add} and closing a registration from any thread;
 * {@link #runDue} from the one thread that runs the ticks.
 */
public final class DecaySchedule {

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

    /**
     * Ticks {@code tick} every {@code tickNanos}, the first time at {@code nowNanos + tickNanos}.
     *
     * @param tick returns the pages a tick gave back
     * @return closing it stops the ticks (idempotent)
     */
    public Shrinkers.Registration add(long tickNanos, LongSupplier tick, long nowNanos) {
        Entry entry = new Entry(tickNanos, tick, nowNanos + tickNanos);
        entries.add(entry);
        return () -> entries.remove(entry);
    }

    /**
     * Runs the ticks due at {@code nowNanos}; a tick that throws does not stop the others,
     * and the first failure is rethrown once all ran.
     *
     * @param freed told the pages each tick gave back, when it gave back any
     * @return when the next tick is due ({@code nanoTime} scale); {@link Long#MAX_VALUE} if none
     */
    public long runDue(long nowNanos, LongConsumer freed) {
        long next = Long.MAX_VALUE;
        RuntimeException failure = null;
        for (Entry entry : entries) {
            if (nowNanos - entry.next >= 0) {
                entry.next = nowNanos + entry.tickNanos;
                try {
                    long pages = entry.tick.getAsLong();
                    if (pages > 0) {
                        freed.accept(pages);
                    }
                } catch (RuntimeException e) { // one heap's failure does not skip the others
                    failure = failure == null ? e : failure;
                }
            }
            next = earlier(next, entry.next);
        }
        if (failure != null) {
            throw failure; // the reclaim thread counts and logs it
        }
        return next;
    }

    /** The earlier of two {@code nanoTime} instants; {@link Long#MAX_VALUE} means never. */
    public static long earlier(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        return b == Long.MAX_VALUE || a - b <= 0 ? a : b;
    }

    private static final class Entry {
        final long tickNanos;
        final LongSupplier tick;
        /** Written by the ticking thread only; volatile for entries added from elsewhere. */
        volatile long next;

        Entry(long tickNanos, LongSupplier tick, long next) {
            this.tickNanos = tickNanos;
            this.tick = tick;
            this.next = next;
        }
    }
}
