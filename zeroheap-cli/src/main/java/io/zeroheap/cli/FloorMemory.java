package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where the floors' segments come from, as the best memory a pool could have: each segment is
 * its own anonymous {@code mmap} (reads zero), and from 2 MiB on 2 MiB-aligned and advised
 * {@code MADV_HUGEPAGE}, as zeroheap's large slabs are; where native access is not enabled,
 * page-aligned segments of a JDK arena (zeroed by the JDK, 4 KiB pages). Either way they are
 * accessible from every thread and all freed together by {@link #reset()} between cells, or by
 * {@link #close()}. (A fresh 32 MiB of 4 KiB pages costs about 80 ms of page faults on a VM
 * where a fault costs 10 µs; with huge pages, 16 faults.)
 *
 * <p><b>Threads.</b> {@link #allocate}, {@link #heldBytes} and {@link #epoch} may be called
 * from any thread; the monitor guards the arena and the byte count. {@link #reset} and
 * {@link #close} are called only while no thread uses a segment (between cells); a thread's
 * cached segments from before a reset are recognised by their older {@link #epoch} and
 * dropped, never used (their scope is closed).
 */
final class FloorMemory implements AutoCloseable {

    private static final long PAGE_BYTES = 4096;
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    private static final MethodHandle MMAP = Libc.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)).orElse(null);
    private static final MethodHandle MADVISE = Libc.downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)).orElse(null);
    private static final MethodHandle MUNMAP = Libc.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)).orElse(null);
    private static final boolean MAPPED = MMAP != null && MADVISE != null && MUNMAP != null
            && System.getProperty("os.name", "").startsWith("Linux");

    private Arena arena = Arena.ofShared();
    private long heldBytes;
    /** Bumped by every reset; written under the monitor, read without it (volatile: publishes the new generation). */
    private volatile int epoch;

    /** Where the floors' memory comes from, for the report. */
    static String description() {
        return MAPPED ? "mmap, transparent huge pages from 2 MiB"
                : "a JDK arena (" + (Libc.unavailable() != null ? Libc.unavailable() : "no mmap") + ")";
    }

    /** A new segment of {@code byteSize} bytes, page-aligned, reading zero. */
    synchronized MemorySegment allocate(long byteSize) {
        MemorySegment segment = MAPPED ? map(byteSize) : arena.allocate(byteSize, PAGE_BYTES);
        heldBytes += byteSize;
        return segment;
    }

    @SuppressWarnings("restricted") // a view of the mapping just made, unmapped when the arena closes
    private MemorySegment map(long byteSize) {
        long length = (byteSize + PAGE_BYTES - 1) & -PAGE_BYTES;
        boolean huge = length >= HUGE_PAGE_BYTES;
        long mappedBytes = huge ? length + HUGE_PAGE_BYTES : length;
        try {
            MemorySegment base = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mappedBytes, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (base.address() == -1L) {
                throw new OutOfMemoryError("mmap of " + mappedBytes + " bytes for a floor failed");
            }
            long start = huge ? (base.address() + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES : base.address();
            if (huge) {
                int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), length, MADV_HUGEPAGE); // best effort
            }
            return MemorySegment.ofAddress(start).reinterpret(byteSize, arena, unused -> unmap(base, mappedBytes));
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("mmap of " + mappedBytes + " bytes for a floor failed", e);
        }
    }

    private static void unmap(MemorySegment base, long mappedBytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(base, mappedBytes);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap of " + mappedBytes + " bytes failed", e);
        }
    }

    /** Bytes of every segment allocated since the last reset. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /** Which generation of segments is current; segments of an older one are dead. */
    int epoch() {
        return epoch;
    }

    /** Frees every segment and starts a new generation. */
    synchronized void reset() {
        arena.close();
        arena = Arena.ofShared();
        heldBytes = 0;
        epoch++;
    }

    /** Frees every segment. */
    @Override
    public synchronized void close() {
        arena.close();
        heldBytes = 0;
        epoch++;
    }
}
