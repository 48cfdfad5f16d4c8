package io.zeroheap.os;

/**
 * Where a heap's memory comes from and goes back to: page-aligned mappings of fresh,
 * zero-filled memory. Addresses are raw native addresses; the heap wraps them in segments
 * whose scopes it controls.
 *
 * <p>Implementations are thread-safe and stateless apart from the mappings they track.
 */
public interface MemorySource {

    /**
     * Returns the source's page size in bytes (a power of two); every mapping and every
     * {@link #unmap} / {@link #purge} range is a multiple of it and aligned to it.
     */
    long pageSize();

    /**
     * Maps {@code byteSize} bytes of fresh memory that reads zero.
     *
     * @param byteSize a positive multiple of {@link #pageSize()}
     * @param populate  whether to fault the pages in now (Linux {@code MAP_POPULATE}), so the
     *                  first touch costs no page fault
     * @param hugePages whether to ask for transparent huge pages: the mapping is then aligned to
     *                  {@link #HUGE_PAGE_SIZE} and advised {@code MADV_HUGEPAGE} (ignored where
     *                  unsupported or for mappings smaller than a huge page)
     * @return the base address, aligned to {@link #pageSize()}
     * @throws MemoryRefusedException if the operating system refuses
     */
    long map(long byteSize, boolean populate, boolean hugePages);

    /** The x86-64 and arm64 (4 KiB granule) transparent huge page size: 2 MiB. */
    long HUGE_PAGE_SIZE = 2L << 20;

    /**
     * Gives {@code [address, address + byteSize)} back to the operating system. Where
     * {@link #canUnmapPartially()} is false, the range must be exactly one whole mapping.
     */
    void unmap(long address, long byteSize);

    /**
     * Whether {@link #unmap} accepts any page-aligned sub-range of a mapping (Linux
     * {@code munmap} does), so one mapping can be carved into chunks freed one by one.
     */
    boolean canUnmapPartially();

    /**
     * Gives the pages of {@code [address, address + byteSize)} back to the operating system
     * but keeps the addresses mapped (Linux {@code madvise(MADV_DONTNEED)}); the next touch
     * reads zero and costs a page fault.
     *
     * @return true if the pages were given back; false where the source cannot do it
     */
    boolean purge(long address, long byteSize);

    /** Whether {@link #purge} can give pages back (and leaves them reading zero). */
    boolean canPurge();

    /**
     * Writes zero to every byte of {@code [address, address + byteSize)}, as fast as this
     * platform allows.
     */
    void zero(long address, long byteSize);

    /** A short name for stats and reports, such as {@code mmap} or {@code arena}. */
    String name();

    /**
     * Returns the best source for this platform: {@code mmap} on Linux with native access,
     * otherwise the portable one built on {@link java.lang.foreign.Arena}.
     */
    static MemorySource platformDefault() {
        return NativeMemory.isAvailable() ? new MmapMemorySource() : new ArenaMemorySource();
    }
}
