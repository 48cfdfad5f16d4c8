package io.zeroheap.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Memory from Linux anonymous private mappings: {@code mmap} to get it, {@code munmap} (of any
 * page-aligned sub-range) to give it back, {@code madvise(MADV_DONTNEED)} to give the pages
 * back while keeping the addresses, and critical {@code wmemset}/{@code memset} downcalls to
 * zero it (see {@link NativeMemory}).
 *
 * <p>Thread-safe (stateless).
 */
public final class MmapMemorySource implements MemorySource {

    private final long pageSize;

    /**
     * Creates the source.
     *
     * @throws UnsupportedOperationException if not on Linux or native access is denied
     */
    public MmapMemorySource() {
        if (!NativeMemory.isAvailable()) {
            throw new UnsupportedOperationException(
                    "mmap memory source: needs Linux and --enable-native-access=io.zeroheap");
        }
        this.pageSize = NativeMemory.pageSize();
        NativeMemory.linkInBackground();
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long map(long byteSize, boolean populate, boolean hugePages) {
        int flags = NativeMemory.MAP_PRIVATE | NativeMemory.MAP_ANONYMOUS;
        if (!hugePages || byteSize < HUGE_PAGE_SIZE) {
            return NativeMemory.mmap(byteSize, flags | (populate ? NativeMemory.MAP_POPULATE : 0));
        }
        // Over-map by one huge page and trim, so the range is huge-page aligned; advise before
        // faulting in, so the faults can be served with huge pages.
        long mapped = NativeMemory.mmap(byteSize + HUGE_PAGE_SIZE, flags);
        long aligned = (mapped + HUGE_PAGE_SIZE - 1) & -HUGE_PAGE_SIZE;
        if (aligned > mapped) {
            NativeMemory.munmap(mapped, aligned - mapped);
        }
        long tail = mapped + byteSize + HUGE_PAGE_SIZE - (aligned + byteSize);
        if (tail > 0) {
            NativeMemory.munmap(aligned + byteSize, tail);
        }
        NativeMemory.madvise(aligned, byteSize, NativeMemory.MADV_HUGEPAGE);
        if (populate && !NativeMemory.madvise(aligned, byteSize, NativeMemory.MADV_POPULATE_WRITE)) {
            prefaultByTouch(aligned, byteSize); // kernels before 5.14 lack MADV_POPULATE_WRITE
        }
        return aligned;
    }

    @SuppressWarnings("restricted") // the address and size are a mapping this source just made
    private void prefaultByTouch(long address, long byteSize) {
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(byteSize);
        for (long offset = 0; offset < byteSize; offset += pageSize) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 0);
        }
    }

    @Override
    public void unmap(long address, long byteSize) {
        NativeMemory.munmap(address, byteSize);
    }

    @Override
    public boolean canUnmapPartially() {
        return true;
    }

    @Override
    public boolean purge(long address, long byteSize) {
        return NativeMemory.madvise(address, byteSize, NativeMemory.MADV_DONTNEED);
    }

    @Override
    public boolean canPurge() {
        return true;
    }

    @Override
    public void zero(long address, long byteSize) {
        NativeMemory.zero(address, byteSize);
    }

    @Override
    public String name() {
        return "mmap";
    }
}
