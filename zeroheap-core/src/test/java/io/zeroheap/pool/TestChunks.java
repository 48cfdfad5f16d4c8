package io.zeroheap.pool;

/** Chunks that no pool or memory stands behind, for tests of the structures that hold chunks. */
public final class TestChunks {

    private TestChunks() {
    }

    /**
     * A chunk of class {@code classIndex}, {@code byteSize} bytes (whole 4 KiB pages) at
     * {@code address}, booked by a pool of its own; nothing is mapped there, so only
     * structures that never touch the memory (or a source that only pretends to) may use it.
     */
    public static Chunk chunk(long address, long byteSize, int classIndex) {
        PagePool pool = new PagePool(byteSize, classIndex, 4096, 0);
        return new Chunk(address, byteSize, byteSize / 4096, pool, (item, reason) -> { });
    }
}
