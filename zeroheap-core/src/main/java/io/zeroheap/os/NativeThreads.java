package io.zeroheap.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Native identity and scheduling priority of the calling thread, on Linux through
 * {@code gettid(2)} and {@code setpriority(2)}.
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
        if (HANDLES.isEmpty()) {
            return OptionalInt.empty();
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

    private record Handles(MethodHandle gettid, MethodHandle setpriority) {

        static Optional<Handles> lookup() {
            if (!Linux.isCurrentOs()) {
                return Optional.empty();
            }
            try {
                MethodHandle gettid = Linux.libc("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
                MethodHandle setpriority = Linux.libc("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                return Optional.of(new Handles(gettid, setpriority));
            } catch (RuntimeException e) {
                // IllegalCallerException when native access is denied, NoSuchElementException
                // on a libc without gettid (glibc < 2.30): fall back.
                return Optional.empty();
            }
        }
    }
}
