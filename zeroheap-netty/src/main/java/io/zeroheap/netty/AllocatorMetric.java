package io.zeroheap.netty;

import io.netty.buffer.ByteBufAllocatorMetric;

import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes of live buffers of one {@link ZeroheapByteBufAllocator}: capacities added when a
 * buffer's memory is allocated and subtracted when it is freed, so a reading is exact once no
 * allocation or free is under way.
 *
 * <p>Thread-safe without a lock: each figure is a {@link LongAdder}, so event loops that
 * allocate at once update cells of their own. A reading sums the cells without stopping
 * writers: taken while buffers come and go, it lies between the values before and after.
 */
final class AllocatorMetric implements ByteBufAllocatorMetric {

    private final LongAdder directBytes = new LongAdder();
    private final LongAdder heapBytes = new LongAdder();

    /** Counts {@code byteSize} bytes of direct memory allocated ({@code > 0}) or freed ({@code < 0}). */
    void directChanged(long byteSize) {
        directBytes.add(byteSize);
    }

    /** Counts {@code byteSize} bytes of heap arrays allocated ({@code > 0}) or freed ({@code < 0}). */
    void heapChanged(long byteSize) {
        heapBytes.add(byteSize);
    }

    /** Returns the bytes of {@code byte[]} capacity the allocator's live heap buffers hold. */
    @Override
    public long usedHeapMemory() {
        return heapBytes.sum();
    }

    /**
     * Returns the bytes of capacity the allocator's live direct buffers hold: what they asked
     * of the heap, not its chunk sizes (see {@link ZeroheapByteBufAllocator#metric()}).
     */
    @Override
    public long usedDirectMemory() {
        return directBytes.sum();
    }

    @Override
    public String toString() {
        return "ZeroheapByteBufAllocatorMetric[usedDirectMemory=" + usedDirectMemory()
                + ", usedHeapMemory=" + usedHeapMemory() + "]";
    }
}
