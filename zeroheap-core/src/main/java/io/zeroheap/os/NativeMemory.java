package io.zeroheap.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux {@code mmap}, {@code munmap}, {@code madvise}, zeroing and page size through
 * {@code java.lang.foreign} downcalls.
 *
 * <p>Zeroing is a critical downcall (no thread-state transition), and which one depends on
 * the size. glibc's {@code memset} uses {@code rep stosb} above 2 KiB; {@code wmemset} uses
 * vector stores throughout. Measured on a 2-core AMD EPYC (Zen 5) VM, glibc 2.36, hot buffers:
 * {@code wmemset} 200-220 GB/s from 4 KiB to 512 KiB against 120-143 GB/s for {@code memset}
 * (4 KiB: 20 against 34 ns; 256 KiB: 1.2 against 1.8 µs, as fast as the JDK's own zeroing of
 * {@code Arena.allocate}), while from about the size of the level-2 cache {@code memset} is
 * faster (1 MiB: 142 against 124 GB/s). {@link MemorySegment#fill} reaches about 55 GB/s. So
 * blocks below three quarters of a core's L2 share (512 KiB where unknown) are zeroed with
 * {@code wmemset} where the C library is glibc, everything else with {@code memset}.
 *
 * <p>Each downcall is linked on first use (a holder class per call): linking costs a few
 * milliseconds each, the first one in a JVM far more, and a heap's first allocation needs only
 * {@code sysconf} and {@code mmap}. {@link #linkInBackground()} links the rest on a daemon
 * thread, so they are ready when the first free comes. Thread-safe: handles are resolved once
 * and immutable.
 */
final class NativeMemory {

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;
    static final int MADV_DONTNEED = 4;
    static final int MADV_HUGEPAGE = 14;
    static final int MADV_POPULATE_WRITE = 23;
    private static final int SC_PAGESIZE = 30;
    private static final long MAP_FAILED = -1L;

    /** {@code sysconf}, or null where native access is denied or this is not Linux. */
    private static final MethodHandle SYSCONF = linkSysconf();

    private NativeMemory() {
    }

    private static MethodHandle linkSysconf() {
        if (!Linux.isCurrentOs()) {
            return null;
        }
        try {
            return Linux.libc("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        } catch (RuntimeException e) {
            return null; // IllegalCallerException where native access is denied: use the portable source
        }
    }

    static boolean isAvailable() {
        return SYSCONF != null;
    }

    /**
     * Links the downcalls not yet linked on one daemon thread, {@code sched_getcpu} first (see
     * {@link Cpus}), so that neither the first allocation nor the first free or zeroing pays
     * for it; the first call starts it, later ones do nothing.
     */
    static void linkInBackground() {
        if (!isAvailable() || !BACKGROUND_LINK_STARTED.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread.ofPlatform().name("zeroheap-link").daemon().start(() -> {
                Cpus.linkGetcpu();
                try {
                    Class.forName(Unmap.class.getName(), true, NativeMemory.class.getClassLoader());
                    Class.forName(Zero.class.getName(), true, NativeMemory.class.getClassLoader());
                    Class.forName(Madvise.class.getName(), true, NativeMemory.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // linked (or failing) on first use instead
                }
            });
        } catch (OutOfMemoryError | RuntimeException e) { // no thread: the calls link on first use, no CPU numbers
            Cpus.getcpuUnavailable();
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean BACKGROUND_LINK_STARTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Returns {@code sysconf(name)}: -1 where the value is unknown, or the call failed. */
    static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(name);
        } catch (Throwable e) {
            return -1;
        }
    }

    static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable e) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", e);
        }
    }

    /** Returns the mapping's address. @throws MemoryRefusedException with errno on failure */
    static long mmap(long byteSize, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = arena.allocate(Mmap.CALL_STATE);
            MemorySegment result = (MemorySegment) Mmap.HANDLE.invokeExact(callState, MemorySegment.NULL,
                    byteSize, PROT_READ | PROT_WRITE, flags, -1, 0L);
            if (result.address() == MAP_FAILED) {
                int errno = (int) Mmap.ERRNO.get(callState, 0L);
                throw new MemoryRefusedException("mmap of " + byteSize + " bytes failed: errno " + errno
                        + (errno == 12 ? " (ENOMEM)" : ""));
            }
            return result.address();
        } catch (MemoryRefusedException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("mmap downcall failed", e);
        }
    }

    static void munmap(long address, long byteSize) {
        int rc;
        try {
            rc = (int) Unmap.HANDLE.invokeExact(MemorySegment.ofAddress(address), byteSize);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap downcall failed", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("munmap(0x" + Long.toHexString(address) + ", " + byteSize
                    + ") failed (expected: a page-aligned range this heap mapped)");
        }
    }

    static boolean madvise(long address, long byteSize, int advice) {
        try {
            return (int) Madvise.HANDLE.invokeExact(MemorySegment.ofAddress(address), byteSize, advice) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("madvise downcall failed", e);
        }
    }

    /** Zeroes {@code [address, address + byteSize)}; see the class note for how. */
    static void zero(long address, long byteSize) {
        try {
            if (byteSize <= Zero.VECTOR_MAX_BYTES && (byteSize & 3) == 0 && Zero.WMEMSET != null) {
                MemorySegment ignored = (MemorySegment) Zero.WMEMSET.invokeExact(
                        MemorySegment.ofAddress(address), 0, byteSize >>> 2);
            } else {
                MemorySegment ignored = (MemorySegment) Zero.MEMSET.invokeExact(
                        MemorySegment.ofAddress(address), 0, byteSize);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("zeroing downcall failed", e);
        }
    }

    private static final ValueLayout SIZE = ValueLayout.JAVA_LONG;
    private static final ValueLayout I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    /** {@code mmap}, capturing {@code errno}. */
    private static final class Mmap {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle HANDLE = Linux.libc("mmap",
                FunctionDescriptor.of(PTR, PTR, SIZE, I32, I32, I32, ValueLayout.JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    /** {@code munmap}. */
    private static final class Unmap {
        static final MethodHandle HANDLE = Linux.libc("munmap", FunctionDescriptor.of(I32, PTR, SIZE));
    }

    /** {@code madvise}. */
    private static final class Madvise {
        static final MethodHandle HANDLE = Linux.libc("madvise", FunctionDescriptor.of(I32, PTR, SIZE, I32));
    }

    /** Zeroing: {@code memset}, and glibc's {@code wmemset} for blocks below {@link #VECTOR_MAX_BYTES}. */
    private static final class Zero {
        static final MethodHandle MEMSET = Linux.libc("memset", FunctionDescriptor.of(PTR, PTR, I32, SIZE),
                Linker.Option.critical(false));
        // wmemset's speed is glibc's (see the class note); elsewhere memset only.
        static final MethodHandle WMEMSET = Linux.isGlibc()
                ? Linux.libc("wmemset", FunctionDescriptor.of(PTR, PTR, I32, SIZE), Linker.Option.critical(false))
                : null;
        /** The largest block zeroed with {@code wmemset}: see the class note. */
        static final long VECTOR_MAX_BYTES = vectorMaxBytes();

        private static long vectorMaxBytes() {
            java.util.OptionalLong l2 = Cpus.level2BytesPerCore();
            return l2.isPresent() ? l2.getAsLong() / 4 * 3 : 512L << 10;
        }
    }
}
