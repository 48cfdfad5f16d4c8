package io.zeroheap.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.OptionalInt;

/**
 * Starts the consumer threads of the peer lists in {@link DeferBenchmark} the way
 * {@link io.zeroheap.DeferredFreeList} starts its worker: a daemon platform thread at
 * {@link Thread#MIN_PRIORITY} that sets its own Linux niceness with {@code setpriority(2)} on
 * its native thread id, so that every implementation's consumer competes for the CPU on equal
 * terms. A small copy of core's {@code io.zeroheap.os.NativeThreads}, which is not exported.
 * Thread-safe: the handles are looked up once and are immutable.
 */
final class ConsumerThreads {

    /** The worker niceness of {@link io.zeroheap.DeferredFreeList} by default. */
    static final int NICE = 19;

    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle GETTID;
    private static final MethodHandle SETPRIORITY;

    static {
        MethodHandle gettid = null;
        MethodHandle setpriority = null;
        try {
            gettid = downcall("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
            setpriority = downcall("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (RuntimeException e) {
            // Native access denied: consumers run at MIN_PRIORITY only.
        }
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private ConsumerThreads() {
    }

    /**
     * Starts a daemon platform thread named {@code name}, at {@link Thread#MIN_PRIORITY}, that
     * runs {@code body}; {@code body} should first call {@link #lowerCurrentThreadPriority()}.
     */
    static Thread start(String name, Runnable body) {
        Thread thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MIN_PRIORITY).unstarted(body);
        thread.start();
        return thread;
    }

    /**
     * Sets the calling native thread's niceness to {@link #NICE}; returns the niceness now in
     * force, or empty where it could not be set.
     */
    static OptionalInt lowerCurrentThreadPriority() {
        return setCurrentThreadNice(NICE);
    }

    /** Returns a downcall handle for the C library function {@code name}, or null if absent. */
    @SuppressWarnings("restricted") // both signatures are the C library's; args are plain ints
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name)
                .map(symbol -> linker.downcallHandle(symbol, descriptor))
                .orElse(null);
    }

    private static OptionalInt setCurrentThreadNice(int nice) {
        if (GETTID == null || SETPRIORITY == null) {
            return OptionalInt.empty();
        }
        try {
            int tid = (int) GETTID.invokeExact();
            int rc = (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice);
            return rc == 0 ? OptionalInt.of(nice) : OptionalInt.empty();
        } catch (Throwable e) {
            return OptionalInt.empty();
        }
    }
}
