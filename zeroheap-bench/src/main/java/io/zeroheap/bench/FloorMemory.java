package io.zeroheap.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Memory and zeroing for {@link AllocateBenchmark}'s floors, as the best a pool could have
 * (the same choices as {@code zeroheap bench}'s floors): each segment its own anonymous
 * {@code mmap}, from 2 MiB on 2 MiB-aligned and advised {@code MADV_HUGEPAGE} as zeroheap's
 * large slabs are, unmapped when its arena closes; zeroing with glibc's {@code memset} through a
 * critical downcall. Without native access: the arena's own page-aligned segments and
 * {@code MemorySegment.fill(0)}. Stateless, so thread-safe.
 */
final class FloorMemory {

    private static final long PAGE_BYTES = 4096;
    private static final long HUGE_PAGE_BYTES = 2L << 20;
    private static final int MADV_HUGEPAGE = 14;

    private static final boolean NATIVE = FloorMemory.class.getModule().isNativeAccessEnabled()
            && System.getProperty("os.name", "").startsWith("Linux");
    private static final MethodHandle MEMSET = downcall("memset",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG), Linker.Option.critical(false)).orElse(null);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)).orElse(null);
    private static final MethodHandle MADVISE = downcall("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT))
            .orElse(null);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG))
            .orElse(null);

    private FloorMemory() {
    }

    /** A segment of {@code byteSize} bytes reading zero, page-aligned, freed when {@code arena} closes. */
    @SuppressWarnings("restricted") // a view of the mapping just made, unmapped when the arena closes
    static MemorySegment allocate(Arena arena, long byteSize) {
        if (MMAP == null || MADVISE == null || MUNMAP == null) {
            return arena.allocate(byteSize, PAGE_BYTES);
        }
        long length = (byteSize + PAGE_BYTES - 1) & -PAGE_BYTES;
        boolean huge = length >= HUGE_PAGE_BYTES;
        long mapped = huge ? length + HUGE_PAGE_BYTES : length;
        try {
            MemorySegment base = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mapped, 0x1 | 0x2, 0x02 | 0x20, -1, 0L);
            if (base.address() == -1L) {
                throw new OutOfMemoryError("mmap of " + mapped + " bytes for a floor failed");
            }
            long start = huge ? (base.address() + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES : base.address();
            if (huge) {
                int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), length, MADV_HUGEPAGE); // best effort
            }
            return MemorySegment.ofAddress(start).reinterpret(byteSize, arena, unused -> unmap(base, mapped));
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("mmap of " + mapped + " bytes failed", e);
        }
    }

    /** Zeroes {@code segment} on the calling thread. */
    static void zero(MemorySegment segment) {
        if (MEMSET == null) {
            segment.fill((byte) 0);
            return;
        }
        try {
            MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(segment, 0, segment.byteSize());
        } catch (Throwable e) {
            throw new IllegalStateException("memset of " + segment.byteSize() + " bytes failed", e);
        }
    }

    private static void unmap(MemorySegment base, long mapped) {
        try {
            int ignored = (int) MUNMAP.invokeExact(base, mapped);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap of " + mapped + " bytes failed", e);
        }
    }

    @SuppressWarnings("restricted") // callers pass the C library's own signatures
    private static Optional<MethodHandle> downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        if (!NATIVE) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(address -> linker.downcallHandle(address, descriptor, options));
    }
}
