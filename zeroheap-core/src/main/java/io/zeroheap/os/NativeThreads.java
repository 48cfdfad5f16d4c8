package io.zeroheap.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Native identity and scheduling of the calling thread, on Linux through {@code gettid(2)},
 * {@code setpriority(2)}, {@code sched_setaffinity(2)} and {@code sched_setscheduler(2)}.
 *
 * <p>Linux ignores {@link Thread#setPriority(int)}; the niceness that the scheduler honours
 * is per native thread, and {@code setpriority(PRIO_PROCESS, tid, nice)} sets it for one
 * thread only (the seed's {@code sched_set_normal(task, 19)}). Raising one's own niceness
 * needs no privilege.
 *
 * <p>Thread-safe: the handles are looked up once and are immutable.
 */
public final class NativeThreads {

    private static final int PRIO_PROCESS = 0;
    private static final int SCHED_IDLE = 5;
    /** Bytes of a {@code cpu_set_t}: 1024 CPUs, glibc's size. */
    private static final int CPU_SET_BYTES = 128;

    /** Resolved handles, or empty where the platform or native-access policy refuses them. */
    private static final Optional<Handles> HANDLES = Handles.lookup();

    private NativeThreads() {
    }

    /**
     * Whether native thread ids and niceness are available here (Linux, native access
     * allowed).
     */
    public static boolean isSupported() {
        return HANDLES.isPresent();
    }

    /**
     * Returns the calling thread's native thread id (Linux {@code gettid()}), or -1 where it is
     * not available.
     */
    public static long currentThreadId() {
        if (HANDLES.isEmpty()) {
            return -1;
        }
        try {
            return (int) HANDLES.get().gettid.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * Sets the niceness of the calling native thread only.
     *
     * @param nice the niceness, -20 (most favoured) to 19 (least)
     * @return the niceness now in force, read back with {@code getpriority}; empty where it
     *         could not be set
     */
    public static OptionalInt setCurrentThreadNice(int nice) {
        if (HANDLES.isEmpty() || injectedNiceFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return OptionalInt.empty(); // as a refused setpriority
        }
        Handles handles = HANDLES.get();
        try {
            int tid = (int) handles.gettid.invokeExact();
            int rc = (int) handles.setpriority.invokeExact(PRIO_PROCESS, tid, nice);
            if (rc != 0) {
                return OptionalInt.empty();
            }
            // getpriority may legitimately return -1, so read the value back via /proc instead
            // of trusting errno handling here.
            return ProcThreadStat.read(tid).map(stat -> OptionalInt.of(stat.nice()))
                    .orElse(OptionalInt.of(nice));
        } catch (Throwable e) {
            return OptionalInt.empty();
        }
    }

    /** Calls of {@link #setCurrentThreadNice} still to fail; see {@link #injectNiceFailures}. */
    private static final java.util.concurrent.atomic.AtomicInteger injectedNiceFailures =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * TESTING ONLY: makes the next {@code count} calls of {@link #setCurrentThreadNice} fail as a
     * refused {@code setpriority} does, to see that a worker survives it and says so. This
     * package is not exported.
     */
    public static void injectNiceFailures(int count) {
        injectedNiceFailures.set(count);
    }

    /**
     * Binds the calling native thread to one CPU ({@code sched_setaffinity}).
     *
     * @param cpu the CPU number, from 0
     * @return true if the kernel took it; false where it refused (the CPU is not allowed to
     *         this process, or does not exist) or this platform cannot pin
     */
    public static boolean pinCurrentThread(int cpu) {
        if (HANDLES.isEmpty() || cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            return (int) HANDLES.get().setaffinity.invokeExact(0, (long) CPU_SET_BYTES, mask) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Puts the calling native thread in Linux's {@code SCHED_IDLE} class: it runs only when
     * its CPU has nothing else to run, and never preempts a normal thread. Lowering one's own
     * scheduling class needs no privilege.
     *
     * @return true if the kernel took it; false where this platform cannot
     */
    public static boolean setCurrentThreadIdleScheduling() {
        if (HANDLES.isEmpty()) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param, priority 0
            return (int) HANDLES.get().setscheduler.invokeExact(0, SCHED_IDLE, param) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private record Handles(MethodHandle gettid, MethodHandle setpriority, MethodHandle setaffinity,
                           MethodHandle setscheduler) {

        static Optional<Handles> lookup() {
            if (!Linux.isCurrentOs()) {
                return Optional.empty();
            }
            try {
                MethodHandle gettid = Linux.libc("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
                MethodHandle setpriority = Linux.libc("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                MethodHandle setaffinity = Linux.libc("sched_setaffinity", FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
                MethodHandle setscheduler = Linux.libc("sched_setscheduler", FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                return Optional.of(new Handles(gettid, setpriority, setaffinity, setscheduler));
            } catch (RuntimeException e) {
                // IllegalCallerException when native access is denied, NoSuchElementException
                // on a libc without gettid (glibc < 2.30): fall back.
                return Optional.empty();
            }
        }
    }
}
