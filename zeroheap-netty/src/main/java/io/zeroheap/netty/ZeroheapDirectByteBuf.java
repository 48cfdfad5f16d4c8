package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.CleanableDirectBuffer;
import io.zeroheap.Heap;

import java.util.Objects;

/**
 * A direct {@code ByteBuf} whose memory is a zeroheap {@code HeapBuffer}, reached only through
 * a {@code ByteBuffer} view of its scoped segment ({@link DirectMemory}).
 *
 * <p>Netty 4.2's {@code UnpooledDirectByteBuf(alloc, int, int)} takes its first buffer from
 * Netty's own allocation, past the overridable {@code allocateDirect} and
 * {@code allocateDirectBuffer}. So the first memory comes in through the wrapping constructor,
 * which marks it as not Netty's to free: this class closes it, when a capacity change replaces
 * it or on deallocation. Every later memory comes from {@link #allocateDirectBuffer}, and Netty
 * frees it by {@link DirectMemory#clean()}. During a capacity change the old and the new memory
 * are both live: Netty copies from one into the other, then frees the old one.
 *
 * <p>{@link #hasMemoryAddress()} is {@code false}: with an address, Netty's fast paths copy to
 * and from raw memory ({@code PlatformDependent}), where no scope is checked, so a stale
 * {@code ByteBuf} (released, with {@code -Dio.netty.buffer.checkAccessible=false}) could reach
 * memory the heap has handed to someone else. Through the view, such an access throws
 * {@code IllegalStateException} once the heap has retired the memory's generation.
 *
 * <p>Not thread-safe, as every {@code ByteBuf}: its reference count is atomic, the rest is for
 * one thread at a time.
 */
final class ZeroheapDirectByteBuf extends UnpooledDirectByteBuf {

    private final Heap heap;
    private final AllocatorMetric metric;
    /** The memory the buffer was made with, until a capacity change or deallocation closes it. */
    private DirectMemory initial;

    /**
     * Allocates a buffer of {@code initialCapacity} zeroed bytes.
     *
     * @throws NullPointerException             if an argument is null
     * @throws IllegalArgumentException         if {@code initialCapacity} is negative or above
     *                                          {@code maxCapacity}
     * @throws io.zeroheap.HeapOutOfMemoryError if the heap cannot serve it
     */
    ZeroheapDirectByteBuf(ByteBufAllocator alloc, Heap heap, AllocatorMetric metric, int initialCapacity,
                          int maxCapacity) {
        // Every check the super constructor makes, before memory is taken that it could not give back.
        Objects.requireNonNull(alloc, "alloc");
        Capacities.check(initialCapacity, maxCapacity);
        DirectMemory first = DirectMemory.allocate(heap, metric, initialCapacity);
        this.heap = heap;
        this.metric = metric;
        this.initial = first;
        super(alloc, first.buffer(), maxCapacity);
        setIndex(0, 0); // the wrapping constructor marks the whole memory as written
    }

    /** Allocates the memory for a capacity change; Netty frees it by {@link DirectMemory#clean()}. */
    @Override
    protected CleanableDirectBuffer allocateDirectBuffer(int capacity) {
        return DirectMemory.allocate(heap, metric, capacity);
    }

    /**
     * Changes the capacity as {@code UnpooledDirectByteBuf} does (new memory, the kept bytes
     * copied, the old memory freed); the new part reads zero, as all heap memory does.
     */
    @Override
    public ByteBuf capacity(int newCapacity) {
        int oldCapacity = capacity();
        super.capacity(newCapacity);
        if (newCapacity != oldCapacity) {
            closeInitial(); // super replaced it without freeing it (not Netty's to free)
        }
        return this;
    }

    @Override
    protected void deallocate() {
        super.deallocate(); // frees the memory of the last capacity change, if any
        closeInitial();
    }

    /** Returns {@code false}: the memory is reached only through its scoped view (see the class doc). */
    @Override
    public boolean hasMemoryAddress() {
        return false;
    }

    /**
     * Throws: the buffer has no raw address (see the class doc).
     *
     * @throws UnsupportedOperationException always (or {@code IllegalReferenceCountException}
     *                                       once released)
     */
    @Override
    public long memoryAddress() {
        ensureAccessible();
        throw new UnsupportedOperationException("a zeroheap ByteBuf has no memory address (hasMemoryAddress() is false)");
    }

    private void closeInitial() {
        DirectMemory first = initial;
        if (first != null) {
            initial = null;
            first.clean();
        }
    }
}
