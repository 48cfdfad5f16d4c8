package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract on the allocator's direct buffers, and what only they do: composite buffers
 * of direct components, heap accounting, and stale views that die with their memory.
 */
class DirectByteBufTest extends ByteBufContract {

    @Override
    ByteBuf newBuffer(int initialCapacity, int maxCapacity) {
        return alloc.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    long used() {
        return alloc.metric().usedDirectMemory();
    }

    @Override
    boolean direct() {
        return true;
    }

    @Test
    void aCompositeOfTwoDirectComponentsShouldReadAcrossThemAndReleaseBoth() {
        CompositeByteBuf composite = alloc.compositeDirectBuffer();
        ByteBuf first = alloc.directBuffer(8).writeBytes("abcd".getBytes(StandardCharsets.US_ASCII));
        ByteBuf second = alloc.directBuffer(8).writeBytes("efgh".getBytes(StandardCharsets.US_ASCII));
        composite.addComponents(true, first, second);
        assertThat(composite.numComponents()).isEqualTo(2);
        assertThat(composite.isDirect()).isTrue();
        assertThat(composite.readableBytes()).isEqualTo(8);
        assertThat(composite.getInt(2)).as("across the boundary").isEqualTo(0x63646566);
        assertThat(composite.toString(StandardCharsets.US_ASCII)).isEqualTo("abcdefgh");
        assertThat(composite.nioBufferCount()).isEqualTo(2);
        ByteBuffer[] views = composite.nioBuffers();
        assertThat(views[0].remaining() + views[1].remaining()).isEqualTo(8);
        composite.setByte(5, 'F');
        assertThat(second.getByte(1)).isEqualTo((byte) 'F');
        assertThat(used()).isEqualTo(16);
        composite.release();
        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        assertThat(used()).isZero();
    }

    @Test
    void theMetricShouldMatchTheHeapsAllocatedBytesUpToChunkRounding() {
        int[] sizes = {1, 100, 4096, 4097, 10_000, 65_536, 100_000, 1 << 20};
        ByteBuf[] bufs = new ByteBuf[sizes.length];
        long asked = 0;
        for (int i = 0; i < sizes.length; i++) {
            bufs[i] = alloc.directBuffer(sizes[i]);
            asked += sizes[i];
        }
        long allocated = heap.stats().allocatedBytes();
        long pageSize = heap.stats().pageSize();
        assertThat(used()).isEqualTo(asked);
        // Four size classes per doubling, whole pages: a chunk exceeds its request by at most a
        // quarter of it, rounded up to a page.
        assertThat(allocated).isGreaterThanOrEqualTo(asked).isLessThanOrEqualTo(asked + asked / 4 + sizes.length * pageSize);
        for (ByteBuf buf : bufs) {
            buf.release();
        }
        assertThat(used()).isZero();
        assertThat(heap.stats().allocatedBytes()).isZero();
    }

    @Test
    void aStaleNioViewShouldThrowOnceTheHeapRetiredItsMemory() {
        try (SystemHeap oneBufferGenerations = SystemHeap.builder().name("netty-stale").register(false)
                .generationMaxBuffers(1).build()) {
            ZeroheapByteBufAllocator stale = new ZeroheapByteBufAllocator(oneBufferGenerations);
            ByteBuf buf = stale.directBuffer(4096).writeLong(0x5EC2E7L);
            // What a careless handler keeps past release(): the internal view, which no
            // reference-count check guards (as with -Dio.netty.buffer.checkAccessible=false).
            ByteBuffer view = buf.duplicate().internalNioBuffer(0, 4096);
            ByteBuffer nio = buf.nioBuffer(0, 4096);
            assertThat(view.getLong(0)).isEqualTo(0x5EC2E7L);
            buf.release();
            oneBufferGenerations.drain();
            assertThatThrownBy(() -> view.getLong(0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> nio.put(0, (byte) 1)).isInstanceOf(IllegalStateException.class);
            ByteBuf next = stale.directBuffer(4096);
            assertThat(firstNot(next, 0, 4096, 0)).as("the memory, reused, reads zero").isEqualTo(-1);
            next.release();
            assertThat(stale.metric().usedDirectMemory()).isZero();
        }
    }

    @Test
    void staleNioViewsOfMemoryAGrowthReplacedShouldThrowOnceTheirGenerationRetires() {
        try (SystemHeap oneBufferGenerations = SystemHeap.builder().name("netty-stale-grown").register(false)
                .generationMaxBuffers(1).build()) {
            ZeroheapByteBufAllocator stale = new ZeroheapByteBufAllocator(oneBufferGenerations);
            ByteBuf buf = stale.directBuffer(16).writeInt(0x5EC2);
            ByteBuffer before = buf.nioBuffer(0, 16);
            buf.ensureWritable(8192);
            ByteBuffer after = buf.nioBuffer(0, buf.capacity());
            assertThat(after.getInt(0)).isEqualTo(0x5EC2);
            buf.release();
            oneBufferGenerations.drain();
            // A young generation takes more than one buffer: both memories retire together.
            assertThatThrownBy(() -> before.get(0)).as("replaced by the growth").isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> after.get(0)).isInstanceOf(IllegalStateException.class);
            assertThat(stale.metric().usedDirectMemory()).isZero();
        }
    }
}
