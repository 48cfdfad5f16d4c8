package io.zeroheap.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.OptionalLong;

/**
 * The CPUs of this machine as the allocator sees them: which one the calling thread runs on
 * ({@code sched_getcpu}, a critical downcall: with glibc's restartable-sequences support it is
 * a thread-local read, a few nanoseconds), how many the kernel may report, and one core's share
 * of the level-2 cache (sysfs first, then glibc's {@code sysconf(_SC_LEVEL2_CACHE_SIZE)}, which
 * reads CPUID where a VM hides sysfs' cache directory).
 *
 * <p>Stateless; any thread. Where native access is denied or the OS is not Linux,
 * {@link #current()} returns -1 and callers spread threads by thread id instead.
 */
public final class Cpus {

    private static final int SC_NPROCESSORS_CONF = 83;
    private static final int SC_LEVEL2_CACHE_SIZE = 191;

    /** Null where the downcalls are not available. */
    private static final Handles HANDLES = Handles.lookup();

    private Cpus() {
    }

    /** Whether {@link #current()} reports real CPU numbers here. */
    public static boolean isCurrentKnown() {
        return HANDLES != null;
    }

    /**
     * Returns the number of the CPU the calling thread runs on now, from 0: a hint, since the
     * thread may move at once. Lock-free, allocation-free.
     *
     * @return the CPU number, or -1 where it cannot be known
     */
    public static int current() {
        if (HANDLES == null) {
            return -1;
        }
        try {
            return (int) HANDLES.getcpu.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * Returns how many CPU numbers the kernel may hand out ({@code _SC_NPROCESSORS_CONF}, at
     * least {@link Runtime#availableProcessors()}); {@link #current()} stays below it.
     */
    public static int configured() {
        int available = Runtime.getRuntime().availableProcessors();
        if (HANDLES == null) {
            return available;
        }
        try {
            return (int) Math.max(available, (long) HANDLES.sysconf.invokeExact(SC_NPROCESSORS_CONF));
        } catch (Throwable e) {
            return available;
        }
    }

    /**
     * Returns one core's share of the level-2 cache in bytes: what sysfs describes for CPU 0
     * ({@link CpuCaches#level2BytesPerCore}), else what glibc reads from the CPU, else empty.
     * Never throws.
     */
    public static OptionalLong level2BytesPerCore() {
        OptionalLong sysfs = CpuCaches.level2BytesPerCore(CpuCaches.CPU0_CACHES);
        if (sysfs.isPresent() || HANDLES == null) {
            return sysfs;
        }
        try {
            long bytes = (long) HANDLES.sysconf.invokeExact(SC_LEVEL2_CACHE_SIZE);
            return bytes > 0 ? OptionalLong.of(bytes) : OptionalLong.empty();
        } catch (Throwable e) {
            return OptionalLong.empty();
        }
    }

    private record Handles(MethodHandle getcpu, MethodHandle sysconf) {

        static Handles lookup() {
            if (!Linux.isCurrentOs()) {
                return null;
            }
            try {
                MethodHandle getcpu = Linux.libc("sched_getcpu", FunctionDescriptor.of(ValueLayout.JAVA_INT),
                        Linker.Option.critical(false));
                MethodHandle sysconf = Linux.libc("sysconf",
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                if ((int) getcpu.invokeExact() < 0) {
                    return null; // the kernel cannot tell
                }
                return new Handles(getcpu, sysconf);
            } catch (Throwable e) {
                // IllegalCallerException where native access is denied; a libc without the call
                return null;
            }
        }
    }
}
