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

    /**
     * Set once {@code sched_getcpu} is linked and answers, by the background linker this class
     * starts ({@link NativeMemory#linkInBackground()}): linking a downcall costs tens of
     * milliseconds at a JVM's start, and the first allocations need not wait for it (until then
     * {@link #current()} answers -1).
     */
    private static volatile boolean getcpuReady;
    /** Set once it is known that {@code sched_getcpu} will never answer here. */
    private static volatile boolean getcpuNever = !NativeMemory.isAvailable();

    static {
        if (!getcpuNever) {
            NativeMemory.linkInBackground();
        }
    }

    /** Links {@code sched_getcpu} and says whether it answers; run once, by the background linker. */
    static void linkGetcpu() {
        boolean works = false;
        try {
            works = GetCpu.HANDLE != null && (int) GetCpu.HANDLE.invokeExact() >= 0;
        } catch (Throwable e) {
            // a libc without the call, or a kernel that cannot tell: -1 for good
        }
        getcpuReady = works;
        getcpuNever = !works;
    }

    /** The background linker could not start: no CPU numbers here. */
    static void getcpuUnavailable() {
        getcpuNever = true;
    }

    private Cpus() {
    }

    /**
     * Whether {@link #current()} reports, or soon will report, real CPU numbers here (it may
     * answer -1 for the first milliseconds of a JVM, and for good on a kernel that cannot tell).
     */
    public static boolean isCurrentKnown() {
        return !getcpuNever;
    }

    /**
     * Returns the number of the CPU the calling thread runs on now, from 0: a hint, since the
     * thread may move at once. Lock-free, allocation-free.
     *
     * @return the CPU number, or -1 where it cannot be known (yet)
     */
    public static int current() {
        if (!getcpuReady) {
            return -1;
        }
        try {
            return (int) GetCpu.HANDLE.invokeExact();
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
        long configured = NativeMemory.isAvailable() ? NativeMemory.sysconf(SC_NPROCESSORS_CONF) : -1;
        return (int) Math.max(available, configured);
    }

    /**
     * Returns one core's share of the level-2 cache in bytes: what sysfs describes for CPU 0
     * ({@link CpuCaches#level2BytesPerCore}), else what glibc reads from the CPU, else empty.
     * Never throws.
     */
    public static OptionalLong level2BytesPerCore() {
        OptionalLong sysfs = CpuCaches.level2BytesPerCore(CpuCaches.CPU0_CACHES);
        if (sysfs.isPresent() || !NativeMemory.isAvailable()) {
            return sysfs;
        }
        long bytes = NativeMemory.sysconf(SC_LEVEL2_CACHE_SIZE);
        return bytes > 0 ? OptionalLong.of(bytes) : OptionalLong.empty();
    }

    /** {@code sched_getcpu}, a critical downcall; null where it cannot be linked. */
    private static final class GetCpu {
        static final MethodHandle HANDLE = link();

        private static MethodHandle link() {
            try {
                return Linux.libc("sched_getcpu", FunctionDescriptor.of(ValueLayout.JAVA_INT),
                        Linker.Option.critical(false));
            } catch (RuntimeException e) {
                return null; // IllegalCallerException where native access is denied; a libc without it
            }
        }
    }
}
