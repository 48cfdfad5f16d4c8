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
 * terms. (A small copy of core's internal, unexported {@code io.zeroheap.os.NativeThreads}.)
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
            Linker linker = Linker.nativeLinker();
            var lookup = linker.defaultLookup();
            gettid = lookup.find("gettid")
                    .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT)))
                    .orElse(null);
            setpriority = lookup.find("setpriority")
                    .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException e) {
            // Not Linux, or native access denied: consumers run at MIN_PRIORITY only.
        }
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private ConsumerThreads() {
    }

    /**
     * Starts a daemon thread named {@code name} that sets its niceness to {@link #NICE}, stores
     * the niceness it got into {@code appliedNice[0]} (-1 if none), then runs {@code body}.
     */
    static Thread start(String name, int[] appliedNice, Runnable body) {
        Thread thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MIN_PRIORITY).unstarted(() -> {
            appliedNice[0] = setCurrentThreadNice(NICE).orElse(-1);
            body.run();
        });
        thread.start();
        return thread;
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
