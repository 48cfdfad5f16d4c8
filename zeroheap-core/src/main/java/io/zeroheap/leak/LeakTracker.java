package io.zeroheap.leak;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.PhantomReference;

/**
 * Tracks one buffer or arena: a phantom reference to the object whose unreachability means a
 * leak, holding what frees its memory (subclasses) but never the object itself.
 *
 * <p>Concurrency: {@code state} goes 0 → 1 once, by CAS, either in {@link #close()} (the
 * owner's normal close: the caller frees) or in {@link #reclaimLeaked()} (the reaper: the
 * tracker frees). The owner keeps its object reachable through its close
 * ({@link java.lang.ref.Reference#reachabilityFence}), so the reaper can only win for an
 * object nobody can close any more. {@code prev}/{@code next} are guarded by the stripe's
 * monitor ({@link LeakReaper}).
 */
public abstract class LeakTracker extends PhantomReference<Object> {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LeakTracker.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LeakDetector detector;
    private final Throwable allocationSite;
    private volatile int state;
    // Guarded by the monitor of stripe.
    final LeakReaper.Stripe stripe;
    LeakTracker prev;
    LeakTracker next;

    /**
     * Starts tracking {@code referent}: the memory is reclaimed if it becomes unreachable
     * before {@link #close()}. Captures the allocation site if the detector's level says so.
     *
     * @param referent the object whose unreachability means a leak; the subclass must not
     *                 reference it, directly or not
     */
    protected LeakTracker(Object referent, LeakDetector detector) {
        super(referent, LeakReaper.queue());
        this.detector = detector;
        this.allocationSite = detector.captureAllocationSite();
        this.stripe = LeakReaper.link(this);
    }

    /**
     * The tracked object is being closed normally: stops tracking it.
     *
     * @return true if the caller frees the memory (always, unless the leak path already did,
     *         which only happens if the caller let the object become unreachable)
     */
    public final boolean close() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            return false;
        }
        clear();
        LeakReaper.unlink(this);
        return true;
    }

    /** Called by the reaper once the referent died: frees and reports unless closed first. */
    final void reclaimLeaked() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            return;
        }
        LeakReaper.unlink(this);
        String what = describe();
        long byteSize = reclaim();
        detector.report(this, what, byteSize);
    }

    /** Returns the allocation site captured when tracking began, or null if it was not sampled. */
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
