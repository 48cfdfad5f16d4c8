package io.zeroheap;

import io.zeroheap.DeferredFreeList.Item;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.OptionalInt;
import java.util.concurrent.locks.Condition;

/**
 * The items of one {@link DeferredFreeList} and its page count: a lock-free intake stack that
 * producers push onto, the FIFO queue that consumers take items from, the list of freers
 * running a free action now, and the counters of {@link DeferredFreeStats} they move. It runs
 * no free action and takes no lock itself.
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>Intake</b> ({@code intake}): a lock-free stack of items, newest first (the kernel's
 *       {@code llist}). {@link #push} is lock-free and may be called from any thread: one CAS,
 *       no blocking, no allocation; it publishes the item's {@code next} link.
 *       {@link #hasIntake()} is a lock-free volatile read.</li>
 *   <li><b>Everything else</b> requires the caller to hold the owning list's lock, which
 *       guards the queue, the freeing list, the sequence numbers and every counter. A consumer
 *       takes the intake whole with one atomic swap ({@link #takeIntake()}) and reverses it onto
 *       the queue; a helper may instead pop the intake's newest item with a CAS. Only lock
 *       holders take from the intake, so the popped item's {@code next} is stable: no ABA.</li>
 *   <li><b>Drain</b>: {@link #awaitDrained} waits on {@code freeFinished}, a condition of the
 *       list lock; {@link #complete} signals it while a drain waits.</li>
 *   <li>An item's {@code state} goes QUEUED to IDLE under the lock when a freer takes it; from
 *       then on it may be deferred again, so each deferral is freed exactly once.</li>
 * </ul>
 */
final class FreeQueue {

    private static final VarHandle INTAKE;

    static {
        try {
            INTAKE = MethodHandles.lookup().findVarHandle(FreeQueue.class, "intake", Item.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Signalled when an item finishes freeing while a drain is waiting; of the list lock. */
    private final Condition freeFinished;

    /** Newest-first stack of deferred items; pushed by CAS, taken whole by getAndSet. */
    private volatile Item intake;

    // Guarded by the list lock: the FIFO queue of items taken from the intake.
    private Item queueHead;
    private Item queueTail;
    // Guarded by the list lock: the freers running a free action now, in the order they took
    // their item (ascending seq).
    private Freer freeingHead;
    private Freer freeingTail;
    private long nextSeq;
    private int drainWaiters; // the drains waiting on freeFinished
    // Guarded by the list lock: the figures of DeferredFreeStats, each event counted once.
    private long deferredItems;
    private long deferredPages;
    private long pendingItems;
    private long pendingPages;
    private long freeingItems;
    private long freeingPages;
    private long normalFrees;
    private long normalFreedPages;
    private long pressureFrees;
    private long pressureFreedPages;
    private long failedFrees;
    private long failedPages;

    /**
     * Creates an empty queue.
     *
     * @param freeFinished a condition of the owning list's lock, which guards this queue
     */
    FreeQueue(Condition freeFinished) {
        this.freeFinished = freeFinished;
    }

    // ---- producer side: lock-free ----

    /** Pushes {@code item} onto the intake. Lock-free; any thread. */
    void push(Item item) {
        Item head;
        do {
            head = intake;
            item.next = head; // published by the CAS below
        } while (!INTAKE.compareAndSet(this, head, item));
    }

    /** Returns whether the intake holds items (a volatile read). Lock-free; any thread. */
    boolean hasIntake() {
        return intake != null;
    }

    // ---- consumer side: caller holds the list lock ----

    /** Returns whether the queue holds items taken from the intake. Caller holds lock. */
    boolean hasQueued() {
        return queueHead != null;
    }

    /** Returns the pages pending, as of the last {@link #takeIntake()}. Caller holds lock. */
    long pendingPages() {
        return pendingPages;
    }

    /** Moves the whole intake onto the queue, oldest first. Caller holds lock. */
    void takeIntake() {
        if (intake == null) {
            return; // a plain read first: an atomic swap would take the producers' cache line
        }
        Item newest = (Item) INTAKE.getAndSet(this, (Item) null);
        if (newest == null) {
            return;
        }
        Item oldest = null;
        long items = 0;
        long pages = 0;
        for (Item item = newest; item != null; ) {
            Item older = item.next;
            item.next = oldest;
            oldest = item;
            if (!(item instanceof DrainMarker)) {
                items++;
                pages += item.nrPages();
            }
            item = older;
        }
        if (queueTail == null) {
            queueHead = oldest;
        } else {
            queueTail.next = oldest;
        }
        queueTail = newest;
        deferredItems += items;
        deferredPages += pages;
        pendingItems += items;
        pendingPages += pages;
    }

    /**
     * Takes the oldest item off the list and records it as being freed by {@code freer}; markers
     * on the way are marked taken. The item is idle again from here on: its action may hand
     * the memory to someone who defers it again. Returns null when the list is empty. Caller
     * holds lock.
     */
    Item poll(Freer freer) {
        while (true) {
            if (queueHead == null) {
                takeIntake();
                if (queueHead == null) {
                    return null;
                }
            }
            Item item = queueHead;
            queueHead = item.next;
            if (queueHead == null) {
                queueTail = null;
            }
            item.next = null;
            long seq = nextSeq++;
            item.state = Item.IDLE;
            if (item instanceof DrainMarker marker) {
                marker.seq = seq;
                marker.taken = true;
                continue;
            }
            pendingItems--;
            pendingPages -= item.nrPages();
            startFreeing(freer, item, seq);
            return item;
        }
    }

    /**
     * Takes the item a helper should free: the newest one deferred, if helpers may free it (it
     * is likely the one the helping thread itself just freed, still in its cache, which makes
     * zeroing it several times cheaper than zeroing a cold one); otherwise the oldest that
     * {@link Item#mayBeFreedByHelpers()} allows, skipping heavier ones, which stay in place
     * for the worker, scanners and drains. Caller holds lock.
     */
    Item pollHelpable(Freer freer) {
        Item newest;
        while ((newest = intake) != null && !(newest instanceof DrainMarker) && newest.mayBeFreedByHelpers()) {
            // Only lock holders take from the intake, so newest.next is stable: no ABA.
            if (INTAKE.compareAndSet(this, newest, newest.next)) {
                newest.next = null;
                newest.state = Item.IDLE;
                deferredItems++; // it skips takeIntake, which counts the others
                deferredPages += newest.nrPages();
                startFreeing(freer, newest, nextSeq++);
                return newest;
            }
        }
        takeIntake();
        Item before = null;
        for (Item item = queueHead; item != null; before = item, item = item.next) {
            if (item instanceof DrainMarker || !item.mayBeFreedByHelpers()) {
                continue;
            }
            if (before == null) {
                return poll(freer); // it is the head: the ordinary path
            }
            before.next = item.next;
            if (queueTail == item) {
                queueTail = before;
            }
            item.next = null;
            item.state = Item.IDLE;
            pendingItems--;
            pendingPages -= item.nrPages();
            startFreeing(freer, item, nextSeq++);
            return item;
        }
        return null;
    }

    /** Records that {@code freer} runs the free action of {@code item}. Caller holds lock. */
    private void startFreeing(Freer freer, Item item, long seq) {
        freer.item = item;
        freer.seq = seq;
        freer.prev = freeingTail;
        if (freeingTail == null) {
            freeingHead = freer;
        } else {
            freeingTail.next = freer;
        }
        freeingTail = freer;
        freeingItems++;
        freeingPages += item.nrPages();
    }

    /** Books the end of the free action of the freer's item. Caller holds lock. */
    void complete(Freer freer, FreeReason reason, boolean ok) {
        Item item = freer.item;
        if (freer.prev == null) {
            freeingHead = freer.next;
        } else {
            freer.prev.next = freer.next;
        }
        if (freer.next == null) {
            freeingTail = freer.prev;
        } else {
            freer.next.prev = freer.prev;
        }
        freer.prev = null;
        freer.next = null;
        freer.item = null;
        freeingItems--;
        freeingPages -= item.nrPages();
        if (!ok) {
            failedFrees++;
            failedPages += item.nrPages();
        } else if (reason == FreeReason.NORMAL) {
            normalFrees++;
            normalFreedPages += item.nrPages();
        } else {
            pressureFrees++;
            pressureFreedPages += item.nrPages();
        }
        if (drainWaiters > 0) {
            freeFinished.signalAll();
        }
    }

    /**
     * Waits, uninterruptibly, until {@code marker} was taken and every item taken before it
     * has finished freeing. Caller holds lock; the wait releases it.
     */
    void awaitDrained(DrainMarker marker) {
        drainWaiters++;
        try {
            while (!marker.taken || (freeingHead != null && freeingHead.seq < marker.seq)) {
                freeFinished.awaitUninterruptibly();
            }
        } finally {
            drainWaiters--;
        }
    }

    /** Returns the freer running a free action on {@code thread}, or null. Caller holds lock. */
    Freer freerOn(Thread thread) {
        for (Freer freer = freeingHead; freer != null; freer = freer.next) {
            if (freer.thread == thread) {
                return freer;
            }
        }
        return null;
    }

    /** Returns a snapshot of the counters with the worker's figures. Caller holds lock. */
    DeferredFreeStats stats(long workerWakeups, long workerRestarts, long workerInterrupts,
                            long failedIdleActions, OptionalInt appliedWorkerNice,
                            long workerNativeThreadId) {
        return new DeferredFreeStats(deferredItems, deferredPages,
                normalFrees, normalFreedPages, pressureFrees, pressureFreedPages,
                failedFrees, failedPages, pendingItems, pendingPages, freeingItems, freeingPages,
                workerWakeups, workerRestarts, workerInterrupts, failedIdleActions,
                appliedWorkerNice, workerNativeThreadId);
    }
}
