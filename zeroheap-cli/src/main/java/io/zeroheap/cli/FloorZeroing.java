package io.zeroheap.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * How the floors zero a segment: glibc's {@code memset} through a critical downcall (no
 * thread-state transition; 94-136 GB/s on the machine DESIGN.md measured, against about 50 for
 * {@link MemorySegment#fill}), or {@code MemorySegment.fill(0)} where native access is not
 * enabled ({@link Libc}). Decided once, when the class loads; {@link #description()} says
 * which, for the report. Stateless, so thread-safe.
 */
final class FloorZeroing {

    private static final MethodHandle MEMSET = Libc.downcall("memset",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG), Linker.Option.critical(false)).orElse(null);

    private FloorZeroing() {
    }

    /** Zeroes every byte of {@code segment} (a native segment) on the calling thread. */
    static void zero(MemorySegment segment) {
        if (MEMSET == null) {
            segment.fill((byte) 0);
            return;
        }
        try {
            MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(segment, 0, segment.byteSize());
        } catch (Throwable e) {
            throw new IllegalStateException("memset failed on a segment of " + segment.byteSize() + " bytes", e);
        }
    }

    /** Whether the floors zero with {@code memset} (else with {@code MemorySegment.fill}). */
    static boolean usesMemset() {
        return MEMSET != null;
    }

    /** Which zeroing the floors use: {@code "memset (critical downcall)"} or {@code "MemorySegment.fill(0) (why)"}. */
    static String description() {
        return MEMSET != null ? "memset (critical downcall)"
                : "MemorySegment.fill(0) (" + (Libc.unavailable() != null ? Libc.unavailable() : "no memset in the C library") + ")";
    }
}
