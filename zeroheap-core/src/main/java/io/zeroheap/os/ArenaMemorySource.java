package io.zeroheap.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Portable memory from {@link Arena#ofShared()}: one arena per mapping, closed to give the
 * mapping back. It cannot give back part of a mapping or purge pages, so heaps on it map each
 * chunk on its own and release whole chunks. Zeroing uses {@link MemorySegment#fill}.
 *
 * <p>Thread-safe: mappings are tracked in a concurrent map.
 */
public final class ArenaMemorySource implements MemorySource {

    private static final long PAGE_SIZE = 4096;

    private final ConcurrentHashMap<Long, Arena> mappings = new ConcurrentHashMap<>();

    /** Creates the source. */
    public ArenaMemorySource() {
    }

    @Override
    public long pageSize() {
        return PAGE_SIZE;
    }

    @Override
    public long map(long byteSize, boolean populate, boolean hugePages) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(byteSize, PAGE_SIZE);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new MemoryRefusedException("allocation of " + byteSize + " bytes refused: " + e.getMessage());
        }
        mappings.put(segment.address(), arena);
        return segment.address();
    }

    @Override
    public void unmap(long address, long byteSize) {
        Arena arena = mappings.remove(address);
        if (arena == null) {
            throw new IllegalStateException("unmap: 0x" + Long.toHexString(address)
                    + " (expected: the base address of a whole mapping of this source)");
        }
        arena.close();
    }

    @Override
    public boolean canUnmapPartially() {
        return false;
    }

    @Override
    public boolean purge(long address, long byteSize) {
        return false;
    }

    @Override
    public boolean canPurge() {
        return false;
    }

    @Override
    @SuppressWarnings("restricted") // the address and size are memory this source handed out
    public void zero(long address, long byteSize) {
        MemorySegment.ofAddress(address).reinterpret(byteSize).fill((byte) 0);
    }

    @Override
    public String name() {
        return "arena";
    }
}
