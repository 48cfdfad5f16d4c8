package io.zeroheap.netty.http;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.zeroheap.HeapStats;
import io.zeroheap.netty.ZeroheapByteBufAllocator;

import java.util.Arrays;
import java.util.Locale;

/**
 * The allocators the server can run on, by name, and what each says about its memory.
 *
 * <p>{@link #stats} gives one line of {@code key=value} pairs: {@code in_use}, bytes of direct
 * memory in live buffers ({@code -1} where the allocator does not know: adaptive), and
 * {@code held}, bytes of direct memory the allocator holds for them and its pools (zeroheap:
 * the heap's reserved bytes; pooled and adaptive: their chunks; unpooled: its live buffers).
 */
enum Allocators {

    /** {@link ZeroheapByteBufAllocator#DEFAULT}, on the process-wide heap. */
    ZEROHEAP,
    /** {@link PooledByteBufAllocator#DEFAULT}. */
    POOLED,
    /** A new {@link AdaptiveByteBufAllocator} (Netty 4.2's default allocator). */
    ADAPTIVE,
    /** {@link UnpooledByteBufAllocator#DEFAULT}. */
    UNPOOLED;

    /**
     * Returns the allocator named {@code name} ({@code zeroheap}, {@code pooled},
     * {@code adaptive} or {@code unpooled}, any case).
     *
     * @throws IllegalArgumentException if no allocator has that name
     */
    static Allocators named(String name) {
        for (Allocators a : values()) {
            if (a.label().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("allocator: " + name + " (expected one of "
                + Arrays.stream(values()).map(Allocators::label).toList() + ")");
    }

    /** Returns the name, in lower case. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the allocator: the shared instance, or for {@code adaptive} a new one. */
    ByteBufAllocator create() {
        return switch (this) {
            case ZEROHEAP -> ZeroheapByteBufAllocator.DEFAULT;
            case POOLED -> PooledByteBufAllocator.DEFAULT;
            case ADAPTIVE -> new AdaptiveByteBufAllocator();
            case UNPOOLED -> UnpooledByteBufAllocator.DEFAULT;
        };
    }

    /** Returns one line about {@code alloc}'s memory (see the class doc). */
    String stats(ByteBufAllocator alloc) {
        long direct = ((ByteBufAllocatorMetricProvider) alloc).metric().usedDirectMemory();
        String line = "allocator=" + label();
        return switch (alloc) {
            case ZeroheapByteBufAllocator zeroheap -> {
                HeapStats heap = zeroheap.heap().stats();
                yield line + " in_use=" + direct + " held=" + heap.reservedBytes()
                        + " heap_allocated=" + heap.allocatedBytes() + " heap_pooled=" + heap.pooledBytes()
                        + " heap_pending=" + heap.pendingBytes();
            }
            case PooledByteBufAllocator pooled -> line + " in_use=" + pooled.pinnedDirectMemory() + " held=" + direct;
            case UnpooledByteBufAllocator unpooled -> line + " in_use=" + direct + " held=" + direct;
            default -> line + " in_use=-1 held=" + direct;
        };
    }
}
