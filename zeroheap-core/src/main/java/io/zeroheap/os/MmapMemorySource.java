package io.zeroheap.os;

/**
 * Memory from Linux anonymous private mappings: {@code mmap} to get it, {@code munmap} (of any
 * page-aligned sub-range) to give it back, {@code madvise(MADV_DONTNEED)} to give the pages
 * back while keeping the addresses, and a critical {@code memset} downcall to zero it.
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
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long map(long byteSize, boolean populate) {
        int flags = NativeMemory.MAP_PRIVATE | NativeMemory.MAP_ANONYMOUS | (populate ? NativeMemory.MAP_POPULATE : 0);
        return NativeMemory.mmap(byteSize, flags);
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
    public void zero(long address, long byteSize) {
        NativeMemory.memsetZero(address, byteSize);
    }

    @Override
    public void adviseHugePages(long address, long byteSize) {
        NativeMemory.madvise(address, byteSize, NativeMemory.MADV_HUGEPAGE);
    }

    @Override
    public String name() {
        return "mmap";
    }
}
