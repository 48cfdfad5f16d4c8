package io.zeroheap.leak;

import io.zeroheap.util.Loggers;
import io.zeroheap.LeakDetection;
import io.zeroheap.util.ByteSizes;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One heap's leak detection: its level, which allocations are tracked, the counts and the
 * report. Reports go to {@link System.Logger} {@value LeakDetection#LOGGER_NAME} at
 * {@code WARNING}, with the allocation site as the thrown argument.
 *
 * <p>Thread-safe: counters are atomic (touched only for tracked objects); sampling draws from
 * {@link ThreadLocalRandom}, which lives in the calling {@link Thread} (no thread-local lookup).
 */
public final class LeakDetector {

    private static final System.Logger LOG = Loggers.lazy(LeakDetection.LOGGER_NAME);

    private final String heapName;
    private final LeakDetection level;
    private final boolean levelFromProperty;
    private final AtomicLong trackedObjects = new AtomicLong();
    private final AtomicLong closedTrackers = new AtomicLong();
    private final AtomicLong leakedBuffers = new AtomicLong();
    private final AtomicLong leakedArenas = new AtomicLong();
    private final AtomicLong leakedBytes = new AtomicLong();
    /** The clock of the sample rate, {@code System::nanoTime} but in tests. */
    private final LongSupplier nanoClock;
    /** The earliest clock reading at which SAMPLED tracks its next allocation. */
    private final AtomicLong nextSampleNanos;
    private static final long SAMPLE_SPACING_NANOS = 1_000_000_000L / LeakDetection.MAX_SAMPLES_PER_SECOND;

    /**
     * Leak detection for one heap.
     *
     * @param heapName          the heap's name, for reports
     * @param level             how much to track
     * @param levelFromProperty whether the level came from {@value LeakDetection#PROPERTY} or
     *                          the default (the report then says how to change it there)
     */
    public LeakDetector(String heapName, LeakDetection level, boolean levelFromProperty) {
        this(heapName, level, levelFromProperty, System::nanoTime);
    }

    /**
     * Leak detection for one heap whose sample rate reads {@code nanoClock}; for tests.
     *
     * @param nanoClock a monotonic clock in nanoseconds
     */
    public LeakDetector(String heapName, LeakDetection level, boolean levelFromProperty, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.nextSampleNanos = new AtomicLong(nanoClock.getAsLong());
        this.heapName = heapName;
        this.level = level;
        this.levelFromProperty = levelFromProperty;
    }

    /** Returns the level. */
    public LeakDetection level() {
        return level;
    }

    /**
     * Returns whether to track the object being allocated: never when {@code OFF}, one time in
     * {@value LeakDetection#SAMPLE_INTERVAL} at random when {@code SAMPLED} but at most
     * {@value LeakDetection#MAX_SAMPLES_PER_SECOND} a second (a sample drawn within
     * {@code 1 s / MAX_SAMPLES_PER_SECOND} of the last tracked one is skipped; only drawn
     * samples read the clock), always when {@code ALL}. Any thread.
     */
    public boolean shouldTrack() {
        return switch (level) {
            case OFF -> false;
            case SAMPLED -> ThreadLocalRandom.current().nextInt(LeakDetection.SAMPLE_INTERVAL) == 0 && takeSample();
            case ALL -> true;
        };
    }

    /** Whether the sample rate allows one more tracked allocation now; claims it if so. */
    private boolean takeSample() {
        long now = nanoClock.getAsLong();
        long next = nextSampleNanos.get();
        return now - next >= 0 && nextSampleNanos.compareAndSet(next, now + SAMPLE_SPACING_NANOS);
    }

    /** Returns how many objects were tracked since the heap was built. */
    public long trackedObjects() {
        return trackedObjects.get();
    }

    /** Returns how many tracked objects are neither closed nor found leaked (a report may be in flight). */
    public long openTrackedObjects() {
        return trackedObjects.get() - closedTrackers.get() - leakedBuffers.get() - leakedArenas.get();
    }

    /** Returns the count of leaked buffers found. */
    public long leakedBuffers() {
        return leakedBuffers.get();
    }

    /** Returns the count of leaked arenas found. */
    public long leakedArenas() {
        return leakedArenas.get();
    }

    /** Returns the bytes leaked objects held, reclaimed. */
    public long leakedBytes() {
        return leakedBytes.get();
    }

    /** A tracker was made and linked. */
    void tracked() {
        trackedObjects.incrementAndGet();
    }

    /** A tracker was closed by its owner. */
    void closed() {
        closedTrackers.incrementAndGet();
    }

    /** Logs the leak, then counts it (so a count seen means its report was made), even if logging throws. */
    void report(LeakTracker tracker, String what, long byteSize) {
        try {
            log(tracker, what, byteSize);
        } finally {
            leakedBytes.addAndGet(byteSize);
            (tracker.isArena() ? leakedArenas : leakedBuffers).incrementAndGet();
        }
    }

    private void log(LeakTracker tracker, String what, long byteSize) {
        String message = "LEAK: " + what + " from heap '" + heapName
                + "' became unreachable without being closed; its " + ByteSizes.format(byteSize)
                + " went back to the heap. Allocated at the stack trace below."
                + (level == LeakDetection.SAMPLED ? " Leak detection is sampled (one allocation in "
                + LeakDetection.SAMPLE_INTERVAL + " is tracked), so more leaks may have gone unnoticed; "
                + (levelFromProperty ? "run with -D" + LeakDetection.PROPERTY + "=all"
                : "build the heap with leakDetection(LeakDetection.ALL)")
                + " to track every allocation." : "");
        LOG.log(System.Logger.Level.WARNING, message, tracker.allocationSite());
    }

    /** Where a tracked object was allocated; only its stack trace matters. */
    static final class AllocationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        AllocationSite() {
            super("allocated here", null, false, true);
        }
    }
}
