package io.zeroheap.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pending free for the peer lists of {@link DeferBenchmark}: a page count, a free action,
 * an intrusive link and a pending flag, the equivalent of {@link io.zeroheap.DeferredFreeList.Item}.
 * The flag is set by a CAS in {@code defer} (so a double defer is refused, as the real list
 * refuses it) and cleared with a volatile write once the free action has returned, after which
 * the item may be deferred again.
 */
final class PeerItem {

    /** Frees one item; runs on the list's consumer thread, never under the list's lock. */
    @FunctionalInterface
    interface FreeAction {
        void free(PeerItem item);
    }

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(PeerItem.class, "pending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long nrPages;
    final FreeAction action;
    /** True from {@code defer} until the free action has returned. */
    private volatile boolean pending;
    /** Intrusive list link, guarded by the lock of the list the item is on (unused by the queue peer). */
    PeerItem next;

    PeerItem(long nrPages, FreeAction action) {
        this.nrPages = nrPages;
        this.action = action;
    }

    boolean isPending() {
        return pending;
    }

    /**
     * Marks the item pending; throws if it already is (a double defer would corrupt the list).
     * The CAS is volatile: it orders the producer's earlier writes before the item's publication.
     */
    void markPending() {
        if (!PENDING.compareAndSet(this, false, true)) {
            throw new IllegalStateException("item: " + this + " (expected: not already deferred)");
        }
    }

    /** Runs the free action, then clears the flag (release: the action's writes happen first). */
    void free() {
        try {
            action.free(this);
        } catch (RuntimeException e) {
            // A failed action must not kill the consumer; the benchmark's action never throws.
        } finally {
            pending = false;
        }
    }

    @Override
    public String toString() {
        return "PeerItem[nrPages=" + nrPages + "]";
    }
}
