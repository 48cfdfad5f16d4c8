package io.zeroheap.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.zeroheap.Heap;
import io.zeroheap.Heaps;

import java.util.Objects;

/**
 * A Netty {@code ByteBufAllocator} whose every buffer reads zero when handed out: direct
 * buffers are zeroheap {@code HeapBuffer}s from one {@link Heap} (zeroed at pool speed, given
 * back to the OS under pressure), heap buffers are {@code new byte[]}s, which the JVM zeroes.
 * Use it for a server's channels:
 * {@code bootstrap.childOption(ChannelOption.ALLOCATOR, ZeroheapByteBufAllocator.DEFAULT)}.
 *
 * <p><b>Temporal safety.</b> A direct buffer reaches its memory only through a
 * {@code ByteBuffer} view of the heap buffer's scoped segment and has no memory address
 * ({@code hasMemoryAddress()} is {@code false}, so Netty never touches it through raw
 * pointers). After its last release the memory goes back to the heap, and once the heap has
 * retired it, any access through a stale {@code ByteBuf} or {@code nioBuffer()} throws
 * {@code IllegalStateException}, even with {@code -Dio.netty.buffer.checkAccessible=false}:
 * it can never read another buffer's data. Netty I/O on such a buffer goes through the view
 * (the JDK holds the scope during the call), or, with the epoll transport, through the view's
 * address while the channel holds a reference.
 *
 * <p><b>Leaks.</b> Buffers are wrapped for Netty's {@code ResourceLeakDetector} as Netty's own
 * allocators wrap theirs ({@code toLeakAwareBuffer}); the heap buffers behind them are
 * allocated with {@link Heap#allocateUntracked}, so zeroheap's own leak detection never tracks
 * them, whatever the heap's level, and a leaked {@code ByteBuf} is reported once, by Netty.
 * Its memory stays allocated until the heap is closed (for {@link #DEFAULT}: until the process
 * exits).
 *
 * <p><b>Pooling.</b> {@link #isDirectBufferPooled()} is {@code true}: allocation is as cheap
 * as a pool's (the heap's pools), so Netty's I/O buffers ({@code ioBuffer()}) are direct.
 * There is no per-thread cache and no lock here: each allocation is one call to the heap.
 *
 * <p>Thread-safe: every method may be called from any thread (each event loop's allocations
 * touch only the heap's own synchronisation and the metric's {@code LongAdder} cells).
 */
public final class ZeroheapByteBufAllocator extends AbstractByteBufAllocator implements ByteBufAllocatorMetricProvider {

    /**
     * The allocator on {@link Heaps#system()}, the process-wide heap, preferring direct
     * buffers. Initialising this class creates the system heap if nothing has.
     */
    public static final ZeroheapByteBufAllocator DEFAULT = new ZeroheapByteBufAllocator(Heaps.system());

    private final Heap heap;
    private final AllocatorMetric metric = new AllocatorMetric();

    /**
     * Creates an allocator on {@code heap} whose {@code buffer()} calls give direct buffers.
     *
     * @throws NullPointerException if {@code heap} is null
     */
    public ZeroheapByteBufAllocator(Heap heap) {
        this(heap, true);
    }

    /**
     * Creates an allocator on {@code heap}.
     *
     * @param heap         where direct buffers come from; close it only after every buffer
     *                     of this allocator is released (a closed heap makes allocation throw
     *                     {@code IllegalStateException})
     * @param preferDirect whether {@code buffer()} and {@code compositeBuffer()} give direct
     *                     buffers (else heap buffers; {@code ioBuffer()} is direct either way)
     * @throws NullPointerException if {@code heap} is null
     */
    public ZeroheapByteBufAllocator(Heap heap, boolean preferDirect) {
        super(preferDirect);
        this.heap = Objects.requireNonNull(heap, "heap");
    }

    /** Returns the heap the direct buffers come from. */
    public Heap heap() {
        return heap;
    }

    /**
     * Returns {@code true}: direct buffers come from the heap's pools (see the class doc).
     */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    /**
     * Returns the bytes this allocator's live buffers hold, read without a lock from any
     * thread.
     *
     * <p>{@code usedDirectMemory()} sums the capacities of this allocator's live direct
     * buffers (including one that is mid-way through a capacity change: both its memories);
     * {@code usedHeapMemory()} the lengths of its heap buffers' arrays. The heap's
     * {@code stats().allocatedBytes()} counts something else: whole chunks (sizes rounded up
     * to the heap's size classes, whole pages) of every user of the heap. On a heap that only
     * this allocator uses, {@code usedDirectMemory() <= allocatedBytes()}, the difference being
     * the rounding; on a shared heap such as {@link Heaps#system()} the heap's figure also
     * holds everyone else's buffers. The memory the heap keeps pooled for reuse is in
     * {@code stats().pooledBytes()}, not here.
     */
    @Override
    public ByteBufAllocatorMetric metric() {
        return metric;
    }

    /**
     * Allocates a heap buffer on a zeroed {@code byte[]} of {@code initialCapacity} bytes.
     * Called by {@code heapBuffer(...)} once Netty has checked the capacities.
     *
     * @throws IllegalArgumentException if {@code initialCapacity} is negative or above {@code maxCapacity}
     */
    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new ZeroheapHeapByteBuf(this, metric, initialCapacity, maxCapacity));
    }

    /**
     * Allocates a direct buffer of {@code initialCapacity} zeroed bytes from the heap. Called
     * by {@code directBuffer(...)} and {@code ioBuffer(...)} once Netty has checked the
     * capacities.
     *
     * @throws IllegalArgumentException         if {@code initialCapacity} is negative or above
     *                                          {@code maxCapacity}
     * @throws io.zeroheap.HeapOutOfMemoryError if the heap cannot serve it
     * @throws IllegalStateException            if the heap is closed
     */
    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new ZeroheapDirectByteBuf(this, heap, metric, initialCapacity, maxCapacity));
    }

    @Override
    public String toString() {
        return "ZeroheapByteBufAllocator[heap " + heap.name() + ", " + metric + "]";
    }
}
