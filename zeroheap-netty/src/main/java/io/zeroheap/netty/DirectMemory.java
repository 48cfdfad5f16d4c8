package io.zeroheap.netty;

import io.netty.util.internal.CleanableDirectBuffer;
import io.zeroheap.Heap;
import io.zeroheap.HeapBuffer;

import java.nio.ByteBuffer;

/**
 * One direct buffer's memory: a {@link HeapBuffer} that zeroheap's leak detection does not
 * track (Netty's {@code ResourceLeakDetector} watches the {@code ByteBuf} instead), and the
 * {@link ByteBuffer} view of its segment through which the {@code ByteBuf} reaches it.
 *
 * <p>It is Netty's {@link CleanableDirectBuffer}, so {@code UnpooledDirectByteBuf} frees it by
 * {@link #clean()} when a capacity change replaces it or the buffer is deallocated. It has no
 * memory address ({@link #hasMemoryAddress()} keeps the default {@code false}): Netty's code
 * would otherwise read and write through the raw address, past the segment's scope check.
 *
 * <p>Not thread-safe: it belongs to one {@code ByteBuf}, freed once, by whoever releases it.
 */
final class DirectMemory implements CleanableDirectBuffer {

    private final HeapBuffer memory;
    private final ByteBuffer view;
    private final AllocatorMetric metric;

    private DirectMemory(HeapBuffer memory, ByteBuffer view, AllocatorMetric metric) {
        this.memory = memory;
        this.view = view;
        this.metric = metric;
    }

    /**
     * Allocates {@code byteSize} bytes of zeroed memory from {@code heap} and counts them in
     * {@code metric}.
     *
     * @throws io.zeroheap.HeapOutOfMemoryError if the heap cannot serve it; nothing is held
     * @throws IllegalStateException            if the heap is closed
     */
    static DirectMemory allocate(Heap heap, AllocatorMetric metric, int byteSize) {
        HeapBuffer memory = heap.allocateUntracked(byteSize);
        ByteBuffer view;
        try {
            view = memory.segment().asByteBuffer(); // big-endian, as Netty's buffers
        } catch (Throwable e) {
            memory.close();
            throw e;
        }
        metric.directChanged(byteSize);
        return new DirectMemory(memory, view, metric);
    }

    /** Returns the view of the whole memory: position 0, limit and capacity its size. */
    @Override
    public ByteBuffer buffer() {
        return view;
    }

    /**
     * Closes the heap buffer (the heap zeroes and reuses it later, after retiring its
     * generation, from when on every view of it throws) and uncounts it.
     *
     * @throws IllegalStateException if already cleaned
     */
    @Override
    public void clean() {
        memory.close();
        metric.directChanged(-view.capacity());
    }
}
