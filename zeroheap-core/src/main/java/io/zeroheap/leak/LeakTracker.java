package io.zeroheap.leak;

import java.lang.ref.PhantomReference;

/**
 * Tracks one buffer or arena: a phantom reference to the object whose unreachability means a
 * leak, holding what frees its memory (subclasses) but never the object itself.
 *
 * <p>Concurrency: exactly one of {@link #close()} (the owner's normal close; the caller frees)
 * and {@link #reclaimLeaked()} (the reaper; the tracker frees) ever runs, without a lock or a
 * CAS: the owner calls {@code close()} while its object is still strongly reachable and keeps
 * it so until after ({@link java.lang.ref.Reference#reachabilityFence}); {@code close()}
 * clears the reference, and a cleared reference is never enqueued, while the reaper only sees
 * references the GC enqueued, which it does only for an object that became unreachable
 * uncleared, that is, that nobody closed and nobody can close any more. The owner's close is
 * single by its own contract (a buffer's count reaches 0 once; an arena's scope closes once).
 */
public abstract class LeakTracker extends PhantomReference<Object> {

    private final LeakDetector detector;
    private final Throwable allocationSite;
    /** Where {@link LeakReaper} keeps this tracker reachable. */
    final LeakReaper.Block block;
    int slot;

    /**
     * Starts tracking {@code referent}: the memory is reclaimed if it becomes unreachable
     * before {@link #close()}. Captures the allocation site. Make one only when
     * {@link LeakDetector#shouldTrack()} said so. If this throws (an {@link OutOfMemoryError}),
     * nothing is tracked: the caller frees what it took.
     *
     * @param referent the object whose unreachability means a leak; the subclass must not
     *                 reference it, directly or not
     */
    protected LeakTracker(Object referent, LeakDetector detector) {
        super(referent, LeakReaper.queue());
        this.detector = detector;
        this.allocationSite = new LeakDetector.AllocationSite();
        // Last: once linked, the tracker is reachable and may be enqueued. Unlinked (this threw
        // before), it is unreachable itself, so the GC never enqueues it.
        this.block = LeakReaper.link(this);
        detector.tracked();
    }

    /**
     * The tracked object is being closed normally, by its owner, while it is strongly
     * reachable (keep it so until this returns): stops tracking it; the caller frees.
     * Call once.
     */
    public final void close() {
        clear();
        LeakReaper.unlink(this);
        detector.closed();
    }

    /** Called by the reaper once the GC found the referent dead and uncleared: frees and reports. */
    final void reclaimLeaked() {
        LeakReaper.unlink(this);
        String what = describe();
        long byteSize = reclaim();
        detector.report(this, what, byteSize);
    }

    /** Returns the allocation site captured when tracking began. */
    final Throwable allocationSite() {
        return allocationSite;
    }

    /**
     * Frees the memory the leaked object held through the heap's normal free path.
     *
     * @return the bytes freed
     */
    protected abstract long reclaim();

    /** Returns what leaked, for the report, e.g. {@code HeapBuffer of 4096 bytes}. */
    protected abstract String describe();

    /** Returns whether this tracks an arena (else a buffer), for the counts. */
    protected abstract boolean isArena();
}
