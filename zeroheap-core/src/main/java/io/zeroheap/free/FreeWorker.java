package io.zeroheap.free;

import io.zeroheap.os.NativeThreads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker thread of one {@link io.zeroheap.DeferredFreeList}: a daemon platform thread at
 * {@link Thread#MIN_PRIORITY} and Linux niceness 19 (set through a {@code java.lang.foreign}
 * downcall, since Linux ignores thread priorities) that frees pending items, runs the idle
 * action once the list is empty, and parks until there is work again. If a free action's
 * {@link VirtualMachineError} kills it, a new worker is started and counted; an interrupt is
 * absorbed and counted; only {@link #stop()} after the list is closed ends it.
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>Threads</b>: {@link #start()} and {@link #awaitStarted()} are called once, by the
 *       list's builder; {@link #wake()} and {@link #requestIdleAction()} from any thread,
 *       lock-free; {@link #stop()} by the closing thread after the list is closed; the loop
 *       runs on the worker thread only.</li>
 *   <li><b>Wake-up</b>: the worker sets {@code parked}, re-checks for work, then parks;
 *       {@code wake} is called after the producer's push and reads {@code parked}, unparking if
 *       set. Both sides use volatile (sequentially consistent) accesses, so either the worker
 *       sees the item or the producer sees the flag: no wake-up is lost, and once it has
 *       lingered (below) an idle worker uses no CPU. The CAS on {@code parked} lets one waker
 *       unpark per park.</li>
 *   <li><b>Linger</b>: before it parks, the worker polls for work for up to {@code linger},
 *       in timed parks ({@value #FIRST_LINGER_TICK_NANOS} ns, then
 *       {@value #MAX_LINGER_TICK_NANOS} ns each) with {@code parked} clear, so producers do not
 *       unpark it. Waking a parked thread costs the waker a futex call and, in a VM, an
 *       inter-processor interrupt to the halted vCPU: 4-10 µs measured on this project's 2-core
 *       KVM machine, paid by the first free of every burst. A lingering worker instead finds
 *       the work within one tick, and costs itself a few timer wake-ups per idle spell. The
 *       first tick is long on purpose: a worker that wakes in the middle of a short burst and
 *       takes the list makes every later {@code defer} of the burst miss on the intake's cache
 *       line (AllocateBenchmark, 64 KiB bursts: 270 ns an operation with a 50 µs first tick,
 *       235 ns with 0.5 ms, 209 ns without lingering; 1 MiB: the same with either tick).</li>
 *   <li><b>Counters</b> (wake-ups, restarts, interrupts, failed idle actions, applied
 *       niceness, native thread id) are guarded by the list's lock, passed in, so the list's
 *       stats snapshot taken under that lock is consistent; their getters require the caller
 *       to hold it. The wakers' unpark count and the idle hint are lock-free volatiles. The
 *       lock is never held while free or idle actions run.</li>
 *   <li>{@code thread} is volatile: a replacement worker is published to wakers and to
 *       {@code stop}, which joins until no live worker is left.</li>
 *   <li>Parks and unparks go through {@link Parking}: {@link LockSupport}'s, but in the model
 *       checks of this protocol (FreeWorkerLincheckTest), which run the idle step through
 *       {@link #idleOnCallingThread()}.</li>
 * </ul>
 */
public final class FreeWorker {

    /** What the worker works on: the list's side of the loop. */
    public interface Work {

        /** Frees everything pending on the calling (worker) thread, outside the lock. */
        void freeAll();

        /** Returns whether items are pending (a volatile read of the intake, then the lock). */
        boolean hasWork();

        /** Returns whether the list is closed (a volatile read). */
        boolean isClosed();
    }

    /**
     * How the worker parks and is unparked: {@link #LOCK_SUPPORT}, but in this package's model
     * checks, whose stand-in never wakes a parked thread spuriously (Lincheck's parks may, and a
     * spurious wake-up would hide a lost one).
     */
    interface Parking {
        /** {@link LockSupport}'s park, timed park and unpark. */
        Parking LOCK_SUPPORT = new Parking() {
            @Override
            public void park(Object blocker) {
                LockSupport.park(blocker);
            }

            @Override
            public void parkNanos(Object blocker, long nanos) {
                LockSupport.parkNanos(blocker, nanos);
            }

            @Override
            public void unpark(Thread thread) {
                LockSupport.unpark(thread);
            }
        };

        void park(Object blocker);

        void parkNanos(Object blocker, long nanos);

        void unpark(Thread thread);
    }

    /** The first timed park of a lingering worker. */
    static final long FIRST_LINGER_TICK_NANOS = 500_000;
    /** Every later timed park of a lingering worker. */
    static final long MAX_LINGER_TICK_NANOS = 1_000_000;

    private static final VarHandle PARKED;
    private static final VarHandle UNPARKS;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(FreeWorker.class, "parked", boolean.class);
            UNPARKS = MethodHandles.lookup().findVarHandle(FreeWorker.class, "unparks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int nice;
    private final long lingerNanos;
    private final Runnable idleAction;
    private final ReentrantLock lock;
    private final System.Logger log;
    private final Object parkBlocker;
    private final Work work;
    private final Parking parking;

    /** True while the worker lingers or parks (nothing to free); a hint for freeing threads. */
    private volatile boolean idle;
    /** True while the worker is parked or about to park; cleared by whoever wakes it. */
    private volatile boolean parked;
    /** Unparks by wakers; updated through {@code UNPARKS} only. */
    @SuppressWarnings("unused")
    private volatile long unparks;
    /** Set by requestIdleAction, cleared by the worker before it runs the idle action. */
    private volatile boolean idleActionRequested;
    /** The current worker thread; replaced when a worker dies. */
    private volatile Thread thread;
    /** Counted down once the first worker has applied its niceness; build() waits for it. */
    private final CountDownLatch started = new CountDownLatch(1);

    // Guarded by lock: the worker's figures of DeferredFreeStats, each event counted once.
    private long wakeups;
    private long restarts;
    private long interrupts;
    private long failedIdleActions;
    private OptionalInt appliedNice = OptionalInt.empty();
    private long nativeThreadId = -1;

    /**
     * Creates a worker; {@link #start()} starts it.
     *
     * @param name        the thread's name
     * @param nice        the Linux niceness to apply, in [0, 19]
     * @param lingerNanos how long the idle worker polls for work before it parks (0: parks at once)
     * @param idleAction  run each time the list is empty, before parking; null for none
     * @param lock        the list's lock, which guards this worker's counters
     * @param log         where failures and restarts are logged (the list's logger)
     * @param parkBlocker the object the worker parks on, as seen in thread dumps (the list)
     * @param work        the list's side of the loop
     */
    public FreeWorker(String name, int nice, long lingerNanos, Runnable idleAction, ReentrantLock lock,
                      System.Logger log, Object parkBlocker, Work work) {
        this(name, nice, lingerNanos, idleAction, lock, log, parkBlocker, work, Parking.LOCK_SUPPORT);
    }

    /** As the public constructor, parking through {@code parking}; for this package's model checks. */
    FreeWorker(String name, int nice, long lingerNanos, Runnable idleAction, ReentrantLock lock,
               System.Logger log, Object parkBlocker, Work work, Parking parking) {
        this.name = name;
        this.nice = nice;
        this.lingerNanos = lingerNanos;
        this.idleAction = idleAction;
        this.lock = lock;
        this.log = log;
        this.parkBlocker = parkBlocker;
        this.work = work;
        this.parking = parking;
    }

    /** Starts a worker thread and publishes it as the current one. */
    public void start() {
        Thread t = Thread.ofPlatform()
                .name(name)
                .daemon(true)
                .priority(Thread.MIN_PRIORITY)
                .unstarted(this::run);
        thread = t;
        t.start();
    }

    /**
     * Waits (up to a second) until the worker has set its priority, so that stats read right
     * after {@code build()} report it; a worker that is slow to start is not an error.
     */
    public void awaitStarted() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            try {
                started.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unparks the worker if it is parked. Lock-free; call after publishing the work. */
    public void wake() {
        if (parked && PARKED.compareAndSet(this, true, false)) {
            parking.unpark(thread);
            UNPARKS.getAndAdd(this, 1L);
        }
    }

    /**
     * Returns how many times a producer unparked the worker ({@link #wake()} found it parked).
     * A lingering worker is never unparked. Lock-free; exact once the wakers have returned.
     */
    public long unparks() {
        return (long) UNPARKS.getVolatile(this);
    }

    /** Asks the worker to run its idle action once it has emptied the list, waking it. */
    public void requestIdleAction() {
        idleActionRequested = true;
        wake();
    }

    /** Unparks the worker and joins it until no live worker is left; for after the close. */
    public void stop() {
        Thread self = Thread.currentThread();
        boolean interrupted = false;
        Thread current;
        while ((current = thread) != null && current != self && current.isAlive()) {
            parked = false;
            parking.unpark(current);
            try {
                current.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns whether the worker is lingering or parked, having found nothing to free (a
     * volatile read: a hint, stale as soon as read). Lock-free.
     */
    public boolean isIdle() {
        return idle;
    }

    /** Returns the current worker thread. */
    public Thread thread() {
        return thread;
    }

    /** Returns the times the worker woke from a park. Caller holds the lock. */
    public long wakeups() {
        return wakeups;
    }

    /** Returns the workers started to replace one that died. Caller holds the lock. */
    public long restarts() {
        return restarts;
    }

    /** Returns the interrupts the worker absorbed. Caller holds the lock. */
    public long interrupts() {
        return interrupts;
    }

    /** Returns the idle actions that threw. Caller holds the lock. */
    public long failedIdleActions() {
        return failedIdleActions;
    }

    /** Returns the niceness the worker applied, empty if not available. Caller holds the lock. */
    public OptionalInt appliedNice() {
        return appliedNice;
    }

    /** Returns the worker's native thread id, -1 if unknown. Caller holds the lock. */
    public long nativeThreadId() {
        return nativeThreadId;
    }

    private void run() {
        OptionalInt applied = NativeThreads.setCurrentThreadNice(nice);
        long tid = NativeThreads.currentThreadId();
        lock.lock();
        try {
            appliedNice = applied;
            nativeThreadId = tid;
        } finally {
            lock.unlock();
        }
        started.countDown();
        if (applied.isEmpty()) {
            log.log(System.Logger.Level.DEBUG, () -> name
                    + ": native niceness not available here; running at Thread.MIN_PRIORITY only");
        }
        boolean ended = false;
        try {
            while (true) {
                work.freeAll();
                if (work.isClosed() && !work.hasWork()) {
                    ended = true;
                    return;
                }
                runIdleAction();
                parkUntilWork();
            }
        } finally {
            if (!ended) {
                replaceDeadWorker();
            }
        }
    }

    private void runIdleAction() {
        idleActionRequested = false; // cleared before the run: a request during it runs it again
        if (idleAction == null) {
            return;
        }
        try {
            idleAction.run();
        } catch (RuntimeException e) {
            lock.lock();
            try {
                failedIdleActions++;
            } finally {
                lock.unlock();
            }
            log.log(System.Logger.Level.WARNING, () -> name + ": idle action threw; counted", e);
        }
    }

    /**
     * Runs the worker's idle step (linger, then park until woken) on the calling thread, which
     * it publishes as the worker first, as {@link #start()} does; returns once there is work, a
     * close or an idle-action request, or after a spurious wake-up. For the model checks in
     * this package: Lincheck explores the threads it runs, and the worker's own thread (started
     * here, with a native niceness call) is not one of them.
     */
    void idleOnCallingThread() {
        thread = Thread.currentThread();
        parkUntilWork();
    }

    private void parkUntilWork() {
        idle = true;
        try {
            lingerOrPark();
        } finally {
            idle = false;
        }
    }

    private void lingerOrPark() {
        if (lingerUntilWork()) {
            return;
        }
        parked = true;
        if (hasReasonToRun()) {
            parked = false;
            return;
        }
        parking.park(parkBlocker);
        parked = false;
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            wakeups++;
            if (interrupted) {
                interrupts++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether there is work, a close or an idle-action request for the loop to go back to. */
    private boolean hasReasonToRun() {
        return work.hasWork() || work.isClosed() || idleActionRequested;
    }

    /**
     * Polls for a reason to run with timed parks ({@value #FIRST_LINGER_TICK_NANOS} ns, then
     * {@value #MAX_LINGER_TICK_NANOS} ns each), for up to {@code lingerNanos}; returns whether
     * one came.
     */
    private boolean lingerUntilWork() {
        if (lingerNanos == 0) {
            return false;
        }
        long deadline = System.nanoTime() + lingerNanos;
        long tick = FIRST_LINGER_TICK_NANOS;
        while (true) {
            if (hasReasonToRun()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            parking.parkNanos(parkBlocker, Math.min(tick, left));
            tick = MAX_LINGER_TICK_NANOS;
            if (Thread.interrupted()) { // else every later timed park would return at once
                countInterrupt();
            }
        }
    }

    private void countInterrupt() {
        lock.lock();
        try {
            interrupts++;
        } finally {
            lock.unlock();
        }
    }

    private void replaceDeadWorker() {
        if (work.isClosed()) {
            return;
        }
        lock.lock();
        try {
            restarts++;
        } finally {
            lock.unlock();
        }
        log.log(System.Logger.Level.ERROR, () -> name + ": worker died; starting a new one");
        try {
            start();
        } catch (Throwable e) {
            log.log(System.Logger.Level.ERROR, () -> name + ": could not start a new worker", e);
        }
    }
}
