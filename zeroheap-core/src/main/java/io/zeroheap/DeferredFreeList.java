package io.zeroheap;

import io.zeroheap.util.Loggers;
import io.zeroheap.free.FreeWorker;
import io.zeroheap.observe.DeferredFreeBatchEvent;
import io.zeroheap.observe.Events;
import io.zeroheap.util.Checks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A list of pending frees, its page count and the low-priority worker that frees them: the
 * Java rendering of the Linux dma-buf heaps' deferred free helper.
 *
 * <p>A caller that is done with some memory hands it over with {@link #defer(Item)} and goes
 * on; the worker later runs the item's {@link FreeAction} with {@link FreeReason#NORMAL}
 * (zero the memory, return it to a pool). As a {@link Shrinker}, the list can also be emptied
 * on demand: {@link #scan(long)} frees items on the calling thread with
 * {@link FreeReason#UNDER_PRESSURE} (give the memory back to the OS).
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>Intake</b> ({@code intake}): a lock-free stack of items, newest first (the kernel's
 *       {@code llist}). {@link #defer} pushes with one CAS and never blocks or allocates.</li>
 *   <li><b>Consumer side</b>, guarded by {@code lock}: the FIFO queue of items taken from the
 *       intake, the list of items being freed (each with its freer thread and a sequence
 *       number), and every counter in {@link DeferredFreeStats}. A consumer (the worker, a
 *       scanner, a draining or closing caller) takes the intake whole with one atomic swap,
 *       reverses it onto the queue, and pops one item. The lock is never held while a free
 *       action runs, and the item's completion is booked in the same lock section that takes
 *       the next one.</li>
 *   <li><b>Wake-up</b>: the worker sets its {@code parked} flag, re-checks for work, then parks;
 *       {@code defer} pushes, then reads {@code parked} and unparks if set. Both sides
 *       use volatile (sequentially consistent) accesses, so either the worker sees the item or
 *       the producer sees the flag: no wake-up is lost, and a worker that has lingered uses no
 *       CPU while idle. Before it parks, an idle worker lingers ({@link Builder#workerLinger})
 *       in timed parks with the flag clear, so the first frees of a burst do not pay for waking
 *       it.</li>
 *   <li><b>Drain</b>: {@link #drain()} pushes a marker and frees items on the calling thread
 *       until some consumer has taken the marker; then it waits until every item taken before
 *       the marker has finished freeing. Items deferred before the call precede the marker, so
 *       they are all freed when it returns.</li>
 *   <li><b>Close</b>: {@code closed} is set before the final drain; {@code defer} checks it
 *       after its push, so an item is either ahead of the final drain's marker or freed by the
 *       deferring thread itself. Nothing deferred is ever lost or left unfreed.</li>
 * </ul>
 * Each item is freed exactly once: only the consumer that pops it, under the lock, runs its
 * action. {@code defer} is lock-free; consumers block only on the short list lock. The intake,
 * the queue, the drain waits and the counters live in {@code FreeQueue}, the worker thread in
 * {@code io.zeroheap.free.FreeWorker}; each states its part of this protocol. This class owns
 * the lock and {@code closed}, and runs the free actions.
 *
 * <h2>Where this differs from the seed, and why</h2>
 * <ul>
 *   <li>The seed's worker waits for {@code pages > 0}, so items of 0 pages could sit forever;
 *       here the worker wakes on items, not pages.</li>
 *   <li>The seed has no shutdown; {@link #close()} frees everything pending, stops the worker,
 *       and later {@code defer} calls free on the calling thread.</li>
 *   <li>A free action that throws is caught, logged through {@link System.Logger}, counted in
 *       {@link DeferredFreeStats#failedFrees()}, and the worker goes on. A
 *       {@link VirtualMachineError} is counted and rethrown (the thread may be unusable); if
 *       that kills the worker, a new one is started and counted.</li>
 *   <li>An interrupt of the worker is absorbed and counted; only {@link #close()} stops it.</li>
 *   <li>The worker runs at Linux niceness 19 on its own native thread, set through a
 *       {@code java.lang.foreign} downcall, since Linux ignores {@link Thread#setPriority}.</li>
 * </ul>
 *
 * @apiNote One list per heap is the intended shape; each list owns one daemon thread.
 */
public final class DeferredFreeList implements Shrinker, AutoCloseable {

    /** The default name of the worker thread. */
    public static final String DEFAULT_WORKER_NAME = "zeroheap-deferred-free";

    /** The default niceness of the worker, the lowest priority Linux gives (as in the seed). */
    public static final int DEFAULT_WORKER_NICE = 19;

    /** The default time an idle worker lingers before it parks until woken, 5 ms (see {@link Builder#workerLinger}). */
    public static final Duration DEFAULT_WORKER_LINGER = Duration.ofMillis(5);

    /** The longest linger {@link Builder#workerLinger} accepts. */
    public static final Duration MAX_WORKER_LINGER = Duration.ofSeconds(1);

    private static final System.Logger LOG = Loggers.lazy(DeferredFreeList.class.getName());
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(DeferredFreeList.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String workerName;
    private volatile boolean closed;

    private final ReentrantLock lock = new ReentrantLock();
    /** The intake, the queue and their counters: push and hasIntake lock-free, the rest under lock. */
    private final FreeQueue queue = new FreeQueue(lock.newCondition());
    /** The worker thread; its counters are guarded by lock. */
    private final FreeWorker worker;

    /** @param workerLog where the worker logs its failures and restarts */
    private DeferredFreeList(Builder builder, System.Logger workerLog) {
        this.workerName = builder.workerName;
        this.worker = new FreeWorker(builder.workerName, builder.workerNice, builder.lingerNanos, builder.idleAction,
                lock, workerLog, this, new FreeWorker.Work() {
                    @Override
                    public void freeAll() {
                        freeOnCaller(FreeReason.NORMAL, Long.MAX_VALUE, null, false);
                    }

                    @Override
                    public boolean hasWork() {
                        if (queue.hasIntake()) {
                            return true;
                        }
                        lock.lock();
                        try {
                            return queue.hasQueued();
                        } finally {
                            lock.unlock();
                        }
                    }

                    @Override
                    public boolean isClosed() {
                        return closed;
                    }
                });
    }

    /**
     * Returns a builder for a list with the default worker name and niceness.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Hands {@code item} to the list; its free action runs later on the worker (or on a
     * scanner or draining thread). Constant time, lock-free, allocation-free; never waits for
     * the worker or for a free action, so it may be called from any thread, a {@code Cleaner}
     * thread included.
     *
     * <p>After {@link #close()}, the item is freed at once on the calling thread with
     * {@link FreeReason#NORMAL}, together with anything else still pending: nothing is lost.
     *
     * @param item the item to free; it must not be pending on this or any other list
     * @throws NullPointerException  if {@code item} is null
     * @throws IllegalStateException if {@code item} is already deferred and not yet taken by a
     *                               freer; the list is unchanged
     */
    public void defer(Item item) {
        Checks.requireNonNull(item, "item");
        if (!item.markQueued()) {
            throw new IllegalStateException(
                    "item: " + item + " (expected: not already deferred; it is still pending)");
        }
        queue.push(item);
        // Read after the push (Dekker with close(): either the final drain sees the item, or
        // this thread sees closed and frees it itself).
        if (closed) {
            freeOnCaller(FreeReason.NORMAL, Long.MAX_VALUE, null, false);
            return;
        }
        worker.wake();
    }

    /**
     * Returns the pages on the list, waiting to be freed: exact at the instant of the call
     * (it takes the list lock). Items whose free action is running are not included.
     */
    public long pendingPages() {
        lock.lock();
        try {
            queue.takeIntake();
            return queue.pendingPages();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the pages that {@link #scan(long)} could free now: {@link #pendingPages()}.
     */
    @Override
    public long count() {
        return pendingPages();
    }

    /**
     * Frees items on the calling thread with {@link FreeReason#UNDER_PRESSURE}, oldest first,
     * until at least {@code nrToScan} pages were freed or the list is empty. May overshoot by
     * up to one item, as the seed does. Items whose free action throws are counted as failed,
     * not as freed. Safe to call from any number of threads at once and alongside the worker;
     * no item is freed twice.
     *
     * @param nrToScan pages wanted, {@code >= 0}; 0 frees nothing
     * @return pages freed
     * @throws IllegalArgumentException if {@code nrToScan < 0}
     */
    @Override
    public long scan(long nrToScan) {
        Checks.requireNonNegative(nrToScan, "nrToScan");
        if (nrToScan == 0) {
            return 0;
        }
        return freeOnCaller(FreeReason.UNDER_PRESSURE, nrToScan, null, false);
    }

    /**
     * Frees items on the calling thread with {@link FreeReason#NORMAL} until at least
     * {@code nrPages} pages were freed or no item is left that helpers may free, newest first
     * while the newest are still on the intake (likely in the caller's cache: it may have just
     * freed them), then oldest first: a caller
     * that needs what the worker has not got to yet does the work itself instead of waiting
     * for it. Items whose {@link Item#mayBeFreedByHelpers()} is false are left to the worker.
     * Never waits for the worker or for a free action running elsewhere.
     *
     * @param nrPages pages wanted, {@code >= 0}; 0 frees nothing
     * @return pages freed
     * @throws IllegalArgumentException if {@code nrPages < 0}
     */
    public long help(long nrPages) {
        return help(nrPages, false);
    }

    /**
     * Like {@link #help(long)}, but with {@code heavyToo} also frees items whose
     * {@link Item#mayBeFreedByHelpers()} is false once no lighter one is left: for a caller
     * that would rather pay for them than let memory pile up.
     *
     * @throws IllegalArgumentException if {@code nrPages < 0}
     */
    public long help(long nrPages, boolean heavyToo) {
        Checks.requireNonNegative(nrPages, "nrPages");
        if (nrPages == 0) {
            return 0;
        }
        long freed = freeOnCaller(FreeReason.NORMAL, nrPages, null, true);
        if (heavyToo && freed < nrPages) {
            freed += freeOnCaller(FreeReason.NORMAL, nrPages - freed, null, false);
        }
        return freed;
    }

    /**
     * Returns 0: pending frees are memory nobody will use again, the cheapest to give back.
     */
    @Override
    public int seeks() {
        return 0;
    }

    /**
     * Returns once every item deferred before this call has been freed. The calling thread
     * helps: it frees items with {@link FreeReason#NORMAL} itself rather than waiting for the
     * low-priority worker, and then waits only for free actions already running elsewhere.
     * Items deferred during the call may or may not be freed by then.
     *
     * @throws IllegalStateException if called from inside a free action run by this list (it
     *                               would wait for itself)
     */
    public void drain() {
        requireNotInsideFreeAction("drain()");
        drainOnCaller();
    }

    /**
     * Frees everything still pending (on the calling thread, with {@link FreeReason#NORMAL}),
     * then stops the worker and waits for it to end. Later {@link #defer} calls free on their
     * caller's thread.
     *
     * @throws IllegalStateException if the list is already closed, or if called from inside a
     *                               free action run by this list; the list is unchanged
     * @apiNote A second close throws, as {@link java.lang.foreign.Arena#close()} does, so that a
     *          double release in the caller's code shows up instead of passing silently.
     */
    @Override
    public void close() {
        requireNotInsideFreeAction("close()");
        if (!CLOSED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("deferred free list '" + workerName + "': already closed");
        }
        drainOnCaller();
        worker.stop();
    }

    /**
     * Asks the worker to run its idle action (see {@link Builder#idleAction}) once it has
     * emptied the list, waking it if it is parked. Lock-free; for an owner that has new work
     * for the idle action, such as pools to refill.
     */
    public void requestIdleAction() {
        worker.requestIdleAction();
    }

    /** Returns whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns a consistent snapshot of this list's counters (taken under the list lock).
     */
    public DeferredFreeStats stats() {
        lock.lock();
        try {
            queue.takeIntake();
            return queue.stats(worker.wakeups(), worker.restarts(), worker.interrupts(),
                    worker.failedIdleActions(), worker.appliedNice(), worker.nativeThreadId());
        } finally {
            lock.unlock();
        }
    }

    /** Returns the worker thread's name. */
    public String workerName() {
        return workerName;
    }

    @Override
    public String toString() {
        return "DeferredFreeList[" + workerName + (closed ? ", closed]" : "]");
    }

    /**
     * Returns whether the worker is idle: lingering or parked, having found nothing to free. A
     * hint (a volatile read), stale as soon as it is read: items deferred since may not have
     * been seen yet. Any thread, lock-free.
     */
    public boolean workerIdle() {
        return worker.isIdle();
    }

    /** The current worker thread; for tests in this package. */
    Thread workerThread() {
        return worker.thread();
    }

    /** How many times a producer unparked the worker; for tests in this package. */
    long workerUnparks() {
        return worker.unparks();
    }

    // ---- consumer side ----

    /**
     * Frees items on the calling thread with {@code reason} until {@code pageTarget} pages were
     * freed, the list is empty, or {@code marker} was taken (by anyone). Returns pages freed.
     */
    private long freeOnCaller(FreeReason reason, long pageTarget, DrainMarker marker, boolean helping) {
        Freer freer = new Freer(Thread.currentThread());
        DeferredFreeBatchEvent event = Events.startDeferredFreeBatch();
        long freed = 0;
        long freedItems = 0;
        long failedItems = 0;
        boolean finishedOk = false;
        while (true) {
            Item item;
            lock.lock();
            try {
                if (freer.item != null) {
                    queue.complete(freer, reason, finishedOk);
                }
                if (freed >= pageTarget || (marker != null && marker.taken)) {
                    break;
                }
                item = helping ? queue.pollHelpable(freer) : queue.poll(freer);
            } finally {
                lock.unlock();
            }
            if (item == null) {
                break;
            }
            finishedOk = runFreeAction(freer, reason);
            if (finishedOk) {
                freed += item.nrPages;
                freedItems++;
            } else {
                failedItems++;
            }
        }
        Events.deferredFreeBatch(event, workerName, freerKind(reason, marker, helping), reason.name(),
                freedItems, freed, failedItems);
        return freed;
    }

    /** Names who ran a batch, for {@link DeferredFreeBatchEvent}. */
    private String freerKind(FreeReason reason, DrainMarker marker, boolean helping) {
        if (reason == FreeReason.UNDER_PRESSURE) {
            return "shrinker";
        }
        if (marker != null) {
            return "drain";
        }
        return helping || Thread.currentThread() != worker.thread() ? "helper" : "worker";
    }

    /** Runs the freer's item's action; returns false if it threw. Rethrows a VirtualMachineError. */
    private boolean runFreeAction(Freer freer, FreeReason reason) {
        Item item = freer.item;
        try {
            item.action.free(item, reason);
            return true;
        } catch (Throwable failure) {
            logFailure(item, reason, failure);
            if (failure instanceof VirtualMachineError fatal) {
                lock.lock();
                try {
                    queue.complete(freer, reason, false);
                } finally {
                    lock.unlock();
                }
                throw fatal;
            }
            return false;
        }
    }

    private void logFailure(Item item, FreeReason reason, Throwable failure) {
        try {
            LOG.log(System.Logger.Level.WARNING,
                    () -> "free action of " + item + " (" + reason + ") threw; counted as failed",
                    failure);
        } catch (Throwable ignored) {
            // The failure is already counted by the caller; a logger that fails cannot report it.
        }
    }

    private void drainOnCaller() {
        DrainMarker marker = new DrainMarker();
        marker.markQueued();
        queue.push(marker);
        freeOnCaller(FreeReason.NORMAL, Long.MAX_VALUE, marker, false);
        lock.lock();
        try {
            queue.awaitDrained(marker);
        } finally {
            lock.unlock();
        }
    }

    private void requireNotInsideFreeAction(String operation) {
        Thread self = Thread.currentThread();
        lock.lock();
        try {
            Freer freer = queue.freerOn(self);
            if (freer != null) {
                throw new IllegalStateException(operation + " called from inside the free action of "
                        + freer.item + " on " + this + " (expected: outside free actions; it would wait for itself)");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One pending free: a page count and the action that frees them (the seed's
     * {@code deferred_freelist_item}). Meant to be embedded in, or owned by, the thing being
     * freed, and reused: once its free action has started, the item may be deferred again.
     * Subclass it to carry the memory to free.
     *
     * <p>Thread-safety: immutable but for list bookkeeping, which the list guards. An item is on
     * at most one list at a time.
     */
    public static class Item {
        static final int IDLE = 0;
        static final int QUEUED = 1;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Item.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final long nrPages;
        private final FreeAction action;
        /** IDLE -> QUEUED by CAS in defer; QUEUED -> IDLE under the list lock when taken. */
        volatile int state;
        /** Intake/queue link: written before the publishing CAS, then guarded by the list lock. */
        Item next;

        /**
         * Creates an item of {@code nrPages} pages, freed by {@code action}.
         *
         * @param nrPages pages this item gives back when freed, {@code >= 0}; 0 is allowed
         * @param action  what frees it; called once per {@code defer}, on whichever thread frees
         * @throws IllegalArgumentException if {@code nrPages < 0}
         * @throws NullPointerException     if {@code action} is null
         */
        public Item(long nrPages, FreeAction action) {
            this.nrPages = Checks.requireNonNegative(nrPages, "nrPages");
            this.action = Checks.requireNonNull(action, "action");
        }

        /** Returns the pages this item gives back when freed. */
        public final long nrPages() {
            return nrPages;
        }

        /** Returns the action that frees this item. */
        public final FreeAction action() {
            return action;
        }

        /**
         * Returns whether {@link DeferredFreeList#help} may free this item on a helping
         * (allocating) thread; true unless overridden. Items whose free is heavy or must stay
         * off hot paths (closing a shared scope) return false: only the worker, scanners,
         * drains and closes free them.
         */
        public boolean mayBeFreedByHelpers() {
            return true;
        }

        /**
         * Returns whether this item is deferred and not yet taken by a freer. Once its free
         * action has started, it may be deferred again (the action may hand the memory on).
         */
        public final boolean isPending() {
            return state != IDLE;
        }

        final boolean markQueued() {
            return STATE.compareAndSet(this, IDLE, QUEUED);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "[nrPages=" + nrPages + "]";
        }
    }

    /**
     * Frees one deferred item (the seed's {@code free} callback). It runs on the worker, or on
     * a thread that scans, drains or closes the list, never under the list lock; it may block,
     * but a slow action delays the items behind it.
     */
    @FunctionalInterface
    public interface FreeAction {

        /**
         * Frees {@code item}. An exception thrown here is logged and counted; the item is not
         * retried.
         *
         * @param item   the item, as it was deferred
         * @param reason {@link FreeReason#NORMAL} from the worker or a drain;
         *               {@link FreeReason#UNDER_PRESSURE} from a shrinker scan
         */
        void free(Item item, FreeReason reason);
    }

    /**
     * Returns {@code linger} if it is a valid {@link Builder#workerLinger}.
     *
     * @throws NullPointerException     if {@code linger} is null
     * @throws IllegalArgumentException if negative or longer than {@link #MAX_WORKER_LINGER}
     */
    static Duration requireValidLinger(Duration linger) {
        Checks.requireNonNull(linger, "linger");
        if (linger.isNegative() || linger.compareTo(MAX_WORKER_LINGER) > 0) {
            throw new IllegalArgumentException("workerLinger: " + linger
                    + " (expected: between ZERO and " + MAX_WORKER_LINGER + ")");
        }
        return linger;
    }

    /**
     * Builds a {@link DeferredFreeList}. Not thread-safe.
     *
     * <p>Memory: the list holds whatever its items hold until they are freed; it has no bound of
     * its own (a producer never waits). Shrinkers and {@link #drain()} empty it on demand.
     */
    public static final class Builder {
        private String workerName = DEFAULT_WORKER_NAME;
        private int workerNice = DEFAULT_WORKER_NICE;
        private long lingerNanos = DEFAULT_WORKER_LINGER.toNanos();
        private Runnable idleAction;
        private boolean awaitWorkerStart = true;

        private Builder() {
        }

        /**
         * Sets the worker thread's name (default {@value #DEFAULT_WORKER_NAME}).
         *
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder workerName(String name) {
            this.workerName = Checks.requireNonBlank(name, "workerName");
            return this;
        }

        /**
         * Sets the worker's Linux niceness (default {@value #DEFAULT_WORKER_NICE}, the lowest
         * priority). Ignored where niceness is not available.
         *
         * @throws IllegalArgumentException if {@code nice} is outside [0, 19]; a worker may
         *                                  not run ahead of the threads it serves
         */
        public Builder workerNice(int nice) {
            this.workerNice = Checks.requireInRange(nice, 0, 19, "workerNice");
            return this;
        }

        /**
         * Sets how long the worker, once the list is empty, keeps looking for new items before
         * it parks until a producer wakes it (default {@link #DEFAULT_WORKER_LINGER}, 5 ms;
         * {@link Duration#ZERO} parks at once). While it lingers it sleeps in timed parks of
         * 0.5 ms, then 1 ms, and {@link #defer} does not wake it: waking a parked thread
         * costs the deferring thread a futex call and, in a VM, an inter-processor interrupt
         * (4-10 µs measured on a 2-core KVM guest), which the first free of each burst would
         * otherwise pay. The price is a few timer wake-ups of the worker per idle spell, and
         * items deferred during the linger wait up to one tick (at most 1 ms) to be freed.
         *
         * @throws NullPointerException     if {@code linger} is null
         * @throws IllegalArgumentException if negative or longer than {@link #MAX_WORKER_LINGER}
         */
        public Builder workerLinger(Duration linger) {
            this.lingerNanos = requireValidLinger(linger).toNanos();
            return this;
        }

        /**
         * Sets an action the worker runs each time it has emptied the list, before it parks
         * (default: none). It runs on the worker, at the worker's priority; it may defer items,
         * which the worker then frees before parking. An exception it throws is logged and
         * counted in {@link DeferredFreeStats#failedIdleActions()}.
         *
         * @throws NullPointerException if {@code action} is null
         */
        public Builder idleAction(Runnable action) {
            this.idleAction = Checks.requireNonNull(action, "idleAction");
            return this;
        }

        /**
         * Sets whether {@link #build()} waits (up to a second) for the worker to have set its
         * priority, so that {@link DeferredFreeList#stats()} reports it from the start (default
         * true). Without the wait, the stats report no niceness until the worker has set it, and
         * {@code build()} returns at once: the worker links its system calls, tens of
         * milliseconds at a JVM's start, on its own time.
         */
        public Builder awaitWorkerStart(boolean await) {
            this.awaitWorkerStart = await;
            return this;
        }

        /**
         * Creates the list, starts its worker and, unless told not to
         * ({@link #awaitWorkerStart}), waits until the worker has set its priority.
         */
        public DeferredFreeList build() {
            DeferredFreeList list = new DeferredFreeList(this, LOG);
            list.worker.start();
            if (awaitWorkerStart) {
                list.worker.awaitStarted();
            }
            return list;
        }

        /**
         * Creates the list without starting its worker, so only its callers (helps, scans,
         * drains, {@code close}) free items; {@code defer} finds the worker not parked and wakes
         * nobody. For the model checks in this package: Lincheck explores the interleavings of
         * the threads it runs, and the worker's own thread is not one of them. The idle worker
         * gets a logger of its own, never resolved: Lincheck walks each list's object graph, and
         * the shared one, once used, reaches all of java.util.logging.
         */
        DeferredFreeList buildWithoutWorker() {
            return new DeferredFreeList(this, Loggers.lazy(DeferredFreeList.class.getName()));
        }
    }
}
