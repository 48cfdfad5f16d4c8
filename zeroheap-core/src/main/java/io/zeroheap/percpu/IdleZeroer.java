package io.zeroheap.percpu;

import io.zeroheap.util.Loggers;
import io.zeroheap.os.NativeThreads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The process-wide idle zeroer of one CPU: a daemon thread bound to that CPU in Linux's
 * {@code SCHED_IDLE} class (so it runs only when the CPU has nothing else to run, and never
 * preempts a thread of the application), which zeroes the dirty chunks of the {@link CpuPool}s
 * registered for its CPU. What it zeroes is in this CPU's caches when it is done, so the next
 * allocation on the CPU gets memory that is both zeroed and warm, and no allocating or freeing
 * thread paid for the zeroing.
 *
 * <p>It only exists where the thread can be bound to its CPU: a zeroer running elsewhere would
 * hand out memory that another core wrote last, which costs more to use than it saved
 * ({@link #forCpu} returns null then, and pools fall back to zeroing on the taking thread).
 *
 * <h2>Concurrency protocol</h2>
 * <ul>
 *   <li><b>Pools</b>: registered and removed from any thread (a copy-on-write list); the zeroer
 *       reads the list each round.</li>
 *   <li><b>Linger, then park</b>: after each round that found work the zeroer polls again
 *       in timed parks ({@value #TICK_NANOS} ns) for {@value #LINGER_NANOS} ns, with
 *       {@code parked} clear, so a freeing thread never pays to wake it while it lingers. Then
 *       it sets {@code parked}, looks once more, and parks until {@link #wake()}; a freeing
 *       thread that pushed a dirty chunk reads {@code parked} after its push and unparks it.
 *       Both sides use volatile accesses, so either the zeroer sees the chunk or the freer
 *       sees the flag: no wake-up is lost. A waiting zeroer runs no code; a lingering one costs
 *       its CPU a timer wake-up per tick.</li>
 *   <li><b>Failures</b>: an exception from a pool's zeroing is counted and logged, and the
 *       zeroer goes on; an interrupt is absorbed and counted.</li>
 * </ul>
 */
public final class IdleZeroer {

    /** The timed park of a lingering zeroer. */
    static final long TICK_NANOS = 500_000;
    /** How long an idle zeroer keeps polling after its last work before it parks. */
    static final long LINGER_NANOS = 50_000_000;

    private static final System.Logger LOG = Loggers.lazy(IdleZeroer.class.getName());
    private static final ConcurrentHashMap<Integer, IdleZeroer> BY_CPU = new ConcurrentHashMap<>();
    /** Set once a zeroer could not bind itself to its CPU: none is started after that. */
    private static volatile boolean unavailable;
    private static final VarHandle PARKED;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(IdleZeroer.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int cpu;
    private final List<Zeroing> pools = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean parked;
    /** Set by {@link #wake()}, cleared by the zeroer at the start of each round. */
    private volatile boolean woken;
    private final AtomicLong zeroedChunks = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong interrupts = new AtomicLong();

    /** A pool and how its chunks are zeroed and, once it is closed, handed back. */
    record Zeroing(CpuPool pool, CpuPools owner) {
    }

    private IdleZeroer(int cpu) {
        this.cpu = cpu;
        this.thread = Thread.ofPlatform().name("zeroheap-idle-zero-" + cpu).daemon().unstarted(this::run);
    }

    /**
     * Returns the started zeroer of {@code cpu}, or null where zeroers cannot be bound to their
     * CPU (no Linux, no native access, or the CPU is not allowed to this process). Any thread.
     */
    static IdleZeroer forCpu(int cpu) {
        if (unavailable || !NativeThreads.isSupported() || cpu < 0) {
            return null;
        }
        IdleZeroer zeroer;
        try {
            zeroer = BY_CPU.computeIfAbsent(cpu, c -> {
                IdleZeroer created = new IdleZeroer(c);
                created.thread.start();
                return created;
            });
        } catch (OutOfMemoryError | RuntimeException e) { // no thread: the taking thread zeroes
            LOG.log(System.Logger.Level.WARNING, () -> "idle zeroer " + cpu + ": cannot start its thread; "
                    + "pools on the CPU zero on the taking thread", e);
            return null;
        }
        return unavailable ? null : zeroer;
    }

    /** Has this zeroer zero {@code pool}'s dirty chunks from now on. */
    void register(CpuPool pool, CpuPools owner) {
        pools.add(new Zeroing(pool, owner));
        wake();
    }

    /** Stops zeroing {@code pool}. */
    void unregister(CpuPool pool) {
        pools.removeIf(zeroing -> zeroing.pool() == pool);
    }

    /**
     * Called by a thread that pushed a dirty chunk: unparks the zeroer if it is parked (a
     * volatile read otherwise). Lock-free.
     */
    void wake() {
        if (!woken) {
            woken = true; // read by the zeroer before it parks: a wake-up just before is not lost
        }
        if (parked && PARKED.compareAndSet(this, true, false)) {
            LockSupport.unpark(thread);
        }
    }

    /** Returns the chunks this zeroer zeroed. */
    long zeroedChunks() {
        return zeroedChunks.get();
    }

    /** Returns the rounds that failed (logged). */
    long failures() {
        return failures.get();
    }

    private void run() {
        if (!NativeThreads.pinCurrentThread(cpu)) {
            unavailable = true;
            BY_CPU.remove(cpu);
            LOG.log(System.Logger.Level.DEBUG, () -> "idle zeroer " + cpu + ": cannot bind to the CPU; "
                    + "pools zero on the taking thread instead");
            return;
        }
        if (!NativeThreads.setCurrentThreadIdleScheduling()) {
            NativeThreads.setCurrentThreadNice(19);
        }
        long lastWork = System.nanoTime();
        while (true) {
            if (round()) {
                lastWork = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - lastWork < LINGER_NANOS) {
                LockSupport.parkNanos(this, TICK_NANOS);
            } else {
                parked = true;
                if (woken || anyDirty()) { // a wake-up or a push before the flag was set
                    parked = false;
                    continue;
                }
                LockSupport.park(this);
                parked = false;
                lastWork = System.nanoTime();
            }
            if (Thread.interrupted()) {
                interrupts.incrementAndGet();
            }
        }
    }

    /** Zeroes every registered pool's dirty chunks once; true if there were any. */
    private boolean round() {
        woken = false; // before looking: a wake-up after this sets it again
        boolean worked = false;
        for (Zeroing zeroing : pools) {
            if (!zeroing.pool().hasWork()) {
                continue;
            }
            try {
                int n = zeroing.pool().work(zeroing.owner()::takeForRefill, zeroing.owner()::releaseLate);
                zeroedChunks.addAndGet(n);
                worked |= n > 0;
            } catch (RuntimeException | Error e) { // an Error too: the thread serves every heap on the CPU
                failures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "idle zeroer " + cpu + ": zeroing failed; counted", e);
            }
        }
        for (Zeroing zeroing : pools) {
            try {
                zeroing.owner().idle(cpu);
            } catch (RuntimeException | Error e) {
                failures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "idle zeroer " + cpu + ": an idle action failed; counted", e);
            }
        }
        return worked;
    }

    private boolean anyDirty() {
        for (Zeroing zeroing : pools) {
            if (zeroing.pool().hasWork()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "IdleZeroer[cpu " + cpu + "]";
    }
}
