package io.zeroheap.leak;

import io.zeroheap.LeakDetection;
import io.zeroheap.util.ByteSizes;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One heap's leak detection: its level, the allocation-site sampling, the leak counts and the
 * report. Reports go to {@link System.Logger} {@value LeakDetection#LOGGER_NAME} at
 * {@code WARNING}, with the allocation site as the thrown argument when one was captured.
 *
 * <p>Thread-safe: counters are atomic; sampling uses {@link ThreadLocalRandom}.
 */
public final class LeakDetector {

    private static final System.Logger LOG = System.getLogger(LeakDetection.LOGGER_NAME);

    private final String heapName;
    private final LeakDetection level;
    private final AtomicLong leakedBuffers = new AtomicLong();
    private final AtomicLong leakedArenas = new AtomicLong();
    private final AtomicLong leakedBytes = new AtomicLong();

    /**
     * Leak detection for one heap.
     *
     * @param heapName the heap's name, for reports
     * @param level    how much to track
     */
    public LeakDetector(String heapName, LeakDetection level) {
        this.heapName = heapName;
        this.level = level;
    }

    /** Returns the level. */
    public LeakDetection level() {
        return level;
    }

    /** Returns whether objects are tracked at all (any level but {@code OFF}). */
    public boolean enabled() {
        return level != LeakDetection.OFF;
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

    /** Returns a captured allocation site, or null when the level does not sample this one. */
    Throwable captureAllocationSite() {
        return switch (level) {
            case OFF -> null;
            case SAMPLED -> ThreadLocalRandom.current().nextInt(LeakDetection.SAMPLE_INTERVAL) == 0
                    ? new AllocationSite() : null;
            case ALL -> new AllocationSite();
        };
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
        Throwable site = tracker.allocationSite();
        String message = "LEAK: " + what + " from heap '" + heapName
                + "' became unreachable without being closed; its " + ByteSizes.format(byteSize)
                + " went back to the heap. "
                + (site != null ? "Allocated at the stack trace below."
                : "Allocation site not recorded (leak detection " + level.name().toLowerCase(Locale.ROOT)
                + (level == LeakDetection.SAMPLED ? ": one allocation in " + LeakDetection.SAMPLE_INTERVAL
                + " records it; run with -D" + LeakDetection.PROPERTY + "=all to record every one)" : ")"));
        if (site != null) {
            LOG.log(System.Logger.Level.WARNING, message, site);
        } else {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    /** Where a tracked object was allocated; only its stack trace matters. */
    private static final class AllocationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        AllocationSite() {
            super("allocated here", null, false, true);
        }
    }
}
