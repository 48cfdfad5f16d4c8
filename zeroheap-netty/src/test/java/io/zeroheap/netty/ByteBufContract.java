package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code ByteBuf} contract as the allocator's users rely on it, run against its direct
 * and its heap buffers (one subclass each): zero on allocation, indices and bounds, reference
 * counts, derived buffers, NIO views, every access overload, channels and streams, byte order,
 * capacity changes and the metric. Each test has a heap of its own.
 */
abstract class ByteBufContract {

    static final int KIB = 1024;

    SystemHeap heap;
    ZeroheapByteBufAllocator alloc;

    @BeforeEach
    void newAllocator() {
        heap = SystemHeap.builder().name("netty-contract").register(false).build();
        alloc = new ZeroheapByteBufAllocator(heap);
    }

    @AfterEach
    void everythingReleased() {
        assertThat(used()).as("every buffer was released").isZero();
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
        heap.close();
    }

    /** A buffer of the kind under test. */
    abstract ByteBuf newBuffer(int initialCapacity, int maxCapacity);

    /** The metric of the kind under test. */
    abstract long used();

    abstract boolean direct();

    ByteBuf newBuffer(int initialCapacity) {
        return newBuffer(initialCapacity, Integer.MAX_VALUE);
    }

    /** Returns the index of the first byte in [from, to) that is not {@code value}, or -1. */
    static int firstNot(ByteBuf buf, int from, int to, int value) {
        for (int i = from; i < to; i++) {
            if (buf.getByte(i) != (byte) value) {
                return i;
            }
        }
        return -1;
    }

    static void fill(ByteBuf buf, int value) {
        for (int i = 0; i < buf.capacity(); i++) {
            buf.setByte(i, value);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 4095, 4096, 4097, 65536, 300_000})
    void shouldReadZeroAcrossTheWholeCapacityEvenWhereAReleasedBufferWasScribbled(int capacity) {
        for (int round = 0; round < 3; round++) {
            ByteBuf dirty = newBuffer(capacity);
            fill(dirty, 0xA5);
            dirty.release();
            heap.drain();
            ByteBuf fresh = newBuffer(capacity);
            assertThat(fresh.capacity()).isEqualTo(capacity);
            assertThat(fresh.readerIndex()).isZero();
            assertThat(fresh.writerIndex()).isZero();
            assertThat(firstNot(fresh, 0, capacity, 0)).as("first non-zero byte").isEqualTo(-1);
            assertThat(used()).isEqualTo(capacity);
            fresh.release();
        }
    }

    @Test
    void shouldBeTheKindAskedForWithoutAMemoryAddress() {
        ByteBuf buf = newBuffer(64);
        try {
            assertThat(buf.isDirect()).isEqualTo(direct());
            assertThat(buf.hasArray()).isEqualTo(!direct());
            assertThat(buf.alloc()).isSameAs(alloc);
            if (direct()) {
                assertThat(buf.hasMemoryAddress()).isFalse();
                assertThatThrownBy(buf::memoryAddress).isInstanceOf(UnsupportedOperationException.class);
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldCheckIndicesAndBounds() {
        ByteBuf buf = newBuffer(16, 32);
        try {
            assertThatThrownBy(() -> buf.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.getByte(16)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.getInt(13)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.setLong(9, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.getBytes(8, new byte[9])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(buf::readByte).as("nothing readable").isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.readerIndex(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.writerIndex(17)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.setIndex(4, 3)).isInstanceOf(IndexOutOfBoundsException.class);
            buf.writeInt(7);
            assertThat(buf.readableBytes()).isEqualTo(4);
            assertThat(buf.writableBytes()).isEqualTo(12);
            assertThat(buf.maxWritableBytes()).isEqualTo(28);
            assertThat(buf.readInt()).isEqualTo(7);
            assertThatThrownBy(buf::readByte).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldCountReferencesAndRefuseAccessOnceReleased() {
        ByteBuf buf = newBuffer(64);
        assertThat(buf.refCnt()).isOne();
        assertThat(buf.retain()).isSameAs(buf);
        assertThat(buf.refCnt()).isEqualTo(2);
        assertThat(buf.release()).as("one reference left").isFalse();
        assertThat(used()).isEqualTo(64);
        assertThat(buf.release()).as("the last reference").isTrue();
        assertThat(buf.refCnt()).isZero();
        assertThat(used()).isZero();
        assertThatThrownBy(() -> buf.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> buf.writeByte(1)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(buf::retain).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(buf::release).isInstanceOf(IllegalReferenceCountException.class);
        assertThat(used()).as("counted once").isZero();
    }

    @Test
    void shouldReleaseAtOnceWithACount() {
        ByteBuf buf = newBuffer(64).retain(4);
        assertThat(buf.refCnt()).isEqualTo(5);
        assertThat(buf.release(4)).isFalse();
        assertThat(buf.release(1)).isTrue();
    }

    @Test
    void slicesAndDuplicatesShouldShareContentAndTheCount() {
        ByteBuf buf = newBuffer(32);
        buf.writeBytes("0123456789".getBytes(StandardCharsets.US_ASCII));
        ByteBuf slice = buf.slice(2, 4);
        assertThat(slice.toString(StandardCharsets.US_ASCII)).isEqualTo("2345");
        assertThat(slice.capacity()).isEqualTo(4);
        assertThatThrownBy(() -> slice.getByte(4)).isInstanceOf(IndexOutOfBoundsException.class);
        slice.setByte(0, 'x');
        assertThat(buf.getByte(2)).isEqualTo((byte) 'x');
        assertThat(slice.refCnt()).as("a slice shares its parent's count").isOne();

        ByteBuf duplicate = buf.duplicate();
        assertThat(duplicate.readerIndex()).isZero();
        assertThat(duplicate.writerIndex()).isEqualTo(10);
        duplicate.readerIndex(5);
        assertThat(buf.readerIndex()).as("own indices").isZero();
        duplicate.setByte(9, 'y');
        assertThat(buf.getByte(9)).isEqualTo((byte) 'y');

        ByteBuf retainedSlice = buf.retainedSlice(0, 3);
        assertThat(buf.refCnt()).isEqualTo(2);
        ByteBuf retainedDuplicate = buf.retainedDuplicate();
        assertThat(buf.refCnt()).isEqualTo(3);
        assertThat(buf.release()).isFalse();
        assertThat(retainedSlice.toString(StandardCharsets.US_ASCII)).as("alive through its own reference")
                .isEqualTo("01x");
        assertThat(retainedSlice.release()).isFalse();
        assertThat(retainedDuplicate.getByte(9)).isEqualTo((byte) 'y');
        assertThat(used()).isEqualTo(32);
        assertThat(retainedDuplicate.release()).as("the last reference").isTrue();
        assertThat(used()).isZero();
        assertThatThrownBy(() -> slice.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void copiesShouldBeIndependentBuffersOfTheSameAllocator() {
        ByteBuf buf = newBuffer(16).writeLong(42);
        ByteBuf copy = buf.copy();
        buf.setLong(0, 7);
        assertThat(copy.getLong(0)).isEqualTo(42);
        assertThat(copy.alloc()).isSameAs(alloc);
        assertThat(used()).isEqualTo(16 + 8);
        buf.release();
        copy.release();
    }

    @Test
    void nioBuffersShouldViewTheContent() {
        ByteBuf buf = newBuffer(64);
        try {
            buf.writeBytes(new byte[] {1, 2, 3, 4, 5, 6});
            assertThat(buf.nioBufferCount()).isOne();
            ByteBuffer readable = buf.nioBuffer();
            assertThat(readable.remaining()).isEqualTo(6);
            assertThat(readable.isDirect()).isEqualTo(direct());
            assertThat(readable.get(0)).isEqualTo((byte) 1);
            ByteBuffer part = buf.nioBuffer(2, 3);
            assertThat(part.remaining()).isEqualTo(3);
            assertThat(part.get(part.position())).isEqualTo((byte) 3);
            ByteBuffer[] all = buf.nioBuffers(0, 64);
            assertThat(all).hasSize(1);
            assertThat(all[0].remaining()).isEqualTo(64);
            assertThat(firstNot(buf, 6, 64, 0)).isEqualTo(-1);
            ByteBuffer internal = buf.internalNioBuffer(0, 6);
            internal.put(internal.position() + 5, (byte) 60);
            assertThat(buf.getByte(5)).as("a view, not a copy").isEqualTo((byte) 60);
            assertThatThrownBy(() -> buf.nioBuffer(60, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void everyGetAndSetOverloadShouldReadBackWhatWasWritten() {
        ByteBuf buf = newBuffer(64);
        try {
            buf.setByte(0, 0x81).setShort(1, 0x8283).setMedium(3, 0x848586).setInt(6, 0x8788898A)
                    .setLong(10, 0x8B8C8D8E8F909192L).setChar(18, 'é').setFloat(20, 1.5f).setDouble(24, -2.25)
                    .setBoolean(32, true);
            assertThat(buf.getByte(0)).isEqualTo((byte) 0x81);
            assertThat(buf.getUnsignedByte(0)).isEqualTo((short) 0x81);
            assertThat(buf.getShort(1)).isEqualTo((short) 0x8283);
            assertThat(buf.getUnsignedShort(1)).isEqualTo(0x8283);
            assertThat(buf.getUnsignedMedium(3)).isEqualTo(0x848586);
            assertThat(buf.getMedium(3)).isEqualTo(0xFF848586);
            assertThat(buf.getInt(6)).isEqualTo(0x8788898A);
            assertThat(buf.getUnsignedInt(6)).isEqualTo(0x8788898AL);
            assertThat(buf.getLong(10)).isEqualTo(0x8B8C8D8E8F909192L);
            assertThat(buf.getChar(18)).isEqualTo('é');
            assertThat(buf.getFloat(20)).isEqualTo(1.5f);
            assertThat(buf.getDouble(24)).isEqualTo(-2.25);
            assertThat(buf.getBoolean(32)).isTrue();
            assertThat(buf.getByte(1)).as("big-endian by default").isEqualTo((byte) 0x82);

            buf.setShortLE(40, 0x0102).setMediumLE(42, 0x030405).setIntLE(45, 0x06070809).setLongLE(49, 0x0A0B0C0D0E0F1011L);
            assertThat(buf.getShortLE(40)).isEqualTo((short) 0x0102);
            assertThat(buf.getByte(40)).isEqualTo((byte) 0x02);
            assertThat(buf.getUnsignedMediumLE(42)).isEqualTo(0x030405);
            assertThat(buf.getIntLE(45)).isEqualTo(0x06070809);
            assertThat(buf.getInt(45)).isEqualTo(0x09080706);
            assertThat(buf.getLongLE(49)).isEqualTo(0x0A0B0C0D0E0F1011L);

            byte[] bytes = {9, 8, 7, 6};
            buf.setBytes(57, bytes);
            byte[] back = new byte[4];
            buf.getBytes(57, back);
            assertThat(back).containsExactly(9, 8, 7, 6);
            buf.setBytes(60, ByteBuffer.wrap(new byte[] {5, 4}));
            ByteBuffer direct = ByteBuffer.allocateDirect(2);
            buf.getBytes(60, direct);
            assertThat(direct.flip().get(1)).isEqualTo((byte) 4);

            ByteBuf other = alloc.heapBuffer(8).writeBytes(new byte[] {1, 2, 3});
            buf.setBytes(0, other, 0, 3);
            assertThat(buf.getByte(2)).isEqualTo((byte) 3);
            ByteBuf target = alloc.directBuffer(8);
            buf.getBytes(0, target, 0, 3);
            assertThat(target.getByte(1)).isEqualTo((byte) 2);
            other.release();
            target.release();
            assertThat(buf.setCharSequence(0, "héllo", StandardCharsets.UTF_8)).isEqualTo(6);
            assertThat(buf.getCharSequence(0, 6, StandardCharsets.UTF_8).toString()).isEqualTo("héllo");
            buf.setZero(0, 64);
            assertThat(firstNot(buf, 0, 64, 0)).isEqualTo(-1);
        } finally {
            buf.release();
        }
    }

    @Test
    void everyReadAndWriteOverloadShouldMoveTheIndices() {
        ByteBuf buf = newBuffer(64);
        try {
            buf.writeByte(1).writeShort(2).writeMedium(3).writeInt(4).writeLong(5).writeChar('c').writeFloat(6f)
                    .writeDouble(7d).writeBoolean(true).writeShortLE(8).writeIntLE(9).writeLongLE(10)
                    .writeBytes(new byte[] {11, 12}).writeZero(2);
            assertThat(buf.writerIndex()).isEqualTo(1 + 2 + 3 + 4 + 8 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 2 + 2);
            assertThat(buf.readByte()).isEqualTo((byte) 1);
            assertThat(buf.readShort()).isEqualTo((short) 2);
            assertThat(buf.readMedium()).isEqualTo(3);
            assertThat(buf.readInt()).isEqualTo(4);
            assertThat(buf.readLong()).isEqualTo(5);
            assertThat(buf.readChar()).isEqualTo('c');
            assertThat(buf.readFloat()).isEqualTo(6f);
            assertThat(buf.readDouble()).isEqualTo(7d);
            assertThat(buf.readBoolean()).isTrue();
            assertThat(buf.readShortLE()).isEqualTo((short) 8);
            assertThat(buf.readIntLE()).isEqualTo(9);
            assertThat(buf.readLongLE()).isEqualTo(10);
            byte[] two = new byte[2];
            buf.readBytes(two);
            assertThat(two).containsExactly(11, 12);
            ByteBuf rest = buf.readSlice(2);
            assertThat(rest.getShort(0)).isZero();
            assertThat(buf.isReadable()).isFalse();
            buf.discardReadBytes();
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.writerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldWriteToAndReadFromStreams() throws IOException {
        ByteBuf buf = newBuffer(16);
        try {
            byte[] data = "stream data 123".getBytes(StandardCharsets.US_ASCII);
            assertThat(buf.writeBytes(new ByteArrayInputStream(data), data.length)).isEqualTo(data.length);
            assertThat(buf.setBytes(15, new ByteArrayInputStream(new byte[] {'!'}), 1)).isOne();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            buf.getBytes(0, out, 16);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("stream data 123!");
            out.reset();
            buf.readBytes(out, 6);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("stream");
            assertThat(buf.readerIndex()).isEqualTo(6);
            assertThat(buf.writeBytes(new ByteArrayInputStream(new byte[0]), 1)).as("end of stream").isEqualTo(-1);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldWriteToAndReadFromAPipe() throws IOException {
        ByteBuf source = newBuffer(4 * KIB);
        ByteBuf sink = newBuffer(4 * KIB);
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel out = pipe.sink(); Pipe.SourceChannel in = pipe.source()) {
            for (int i = 0; i < 3000; i++) {
                source.writeByte(i * 31);
            }
            int written = 0;
            while (written < 3000) {
                written += source.readBytes(out, 3000 - written);
            }
            assertThat(source.readerIndex()).isEqualTo(3000);
            int read = 0;
            while (read < 3000) {
                read += sink.writeBytes(in, 3000 - read);
            }
            for (int i = 0; i < 3000; i++) {
                assertThat(sink.getByte(i)).isEqualTo((byte) (i * 31));
            }
            assertThat(firstNot(sink, 3000, 4 * KIB, 0)).isEqualTo(-1);
            source.setBytes(0, ByteBuffer.wrap(new byte[] {4, 5}));
            assertThat(source.getBytes(0, out, 2)).isEqualTo(2);
            assertThat(sink.setBytes(0, in, 2)).isEqualTo(2);
            assertThat(sink.getShort(0)).isEqualTo((short) 0x0405);
        } finally {
            source.release();
            sink.release();
        }
    }

    @Test
    void shouldWriteToAndReadFromAFileAtAPosition(@TempDir Path dir) throws IOException {
        ByteBuf buf = newBuffer(100);
        try (FileChannel file = FileChannel.open(dir.resolve("buf"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            buf.writeBytes("0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII));
            assertThat(buf.getBytes(0, file, 10, 20)).isEqualTo(20);
            assertThat(file.size()).isEqualTo(30);
            assertThat(buf.readBytes(file, 30, 5)).isEqualTo(5);
            assertThat(buf.setBytes(50, file, 10, 20)).isEqualTo(20);
            assertThat(buf.toString(50, 20, StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdefghij");
            buf.writerIndex(70);
            assertThat(buf.writeBytes(file, 30, 5)).isEqualTo(5);
            assertThat(buf.toString(70, 5, StandardCharsets.US_ASCII)).isEqualTo("01234");
            assertThat(firstNot(buf, 75, 100, 0)).isEqualTo(-1);
            ByteBuffer onDisk = ByteBuffer.allocate(35);
            file.read(onDisk, 0);
            assertThat(onDisk.get(0)).as("the hole before position 10").isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    @SuppressWarnings("deprecation") // order(...) is deprecated in favour of the *LE methods; still supported
    void aLittleEndianViewShouldSwapMultiByteValues() {
        ByteBuf buf = newBuffer(16);
        try {
            ByteBuf little = buf.order(ByteOrder.LITTLE_ENDIAN);
            assertThat(little.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(buf.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
            little.writeInt(0x01020304).writeLong(0x05060708090A0B0CL);
            assertThat(buf.getByte(0)).isEqualTo((byte) 0x04);
            assertThat(buf.getInt(0)).isEqualTo(0x04030201);
            assertThat(little.getInt(0)).isEqualTo(0x01020304);
            assertThat(little.getLong(4)).isEqualTo(0x05060708090A0B0CL);
            assertThat(buf.getByte(4)).isEqualTo((byte) 0x0C);
            assertThat(little.refCnt()).isOne();
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldHonourMaxCapacity() {
        ByteBuf buf = newBuffer(8, 20);
        try {
            buf.writeBytes(new byte[20]);
            assertThat(buf.capacity()).isEqualTo(20);
            assertThatThrownBy(() -> buf.writeByte(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.ensureWritable(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(buf.ensureWritable(1, false)).as("cannot grow: 1").isOne();
            assertThatThrownBy(() -> buf.capacity(21)).isInstanceOf(IllegalArgumentException.class);
            assertThat(used()).isEqualTo(20);
        } finally {
            buf.release();
        }
        assertThatThrownBy(() -> newBuffer(21, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> newBuffer(-1, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThat(used()).as("a refused buffer holds nothing").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 4096, 5000})
    void growingShouldKeepTheDataAndZeroTheRest(int initialCapacity) {
        ByteBuf buf = newBuffer(initialCapacity);
        try {
            fill(buf, 0x3C);
            buf.writerIndex(initialCapacity);
            int[] growths = {initialCapacity + 1, 3 * initialCapacity + 100, 70_000};
            for (int grown : growths) {
                buf.ensureWritable(grown - buf.writerIndex());
                assertThat(buf.capacity()).isGreaterThanOrEqualTo(grown);
                assertThat(used()).as("the old memory is freed").isEqualTo(buf.capacity());
                assertThat(firstNot(buf, 0, initialCapacity, 0x3C)).as("kept").isEqualTo(-1);
                assertThat(firstNot(buf, initialCapacity, buf.capacity(), 0)).as("new part").isEqualTo(-1);
            }
            buf.capacity(initialCapacity + 2);
            assertThat(used()).isEqualTo(initialCapacity + 2);
            assertThat(firstNot(buf, 0, initialCapacity, 0x3C)).as("kept by a shrink").isEqualTo(-1);
            assertThat(firstNot(buf, initialCapacity, initialCapacity + 2, 0)).isEqualTo(-1);
            assertThat(buf.writerIndex()).isEqualTo(initialCapacity);
            buf.capacity(initialCapacity / 2);
            assertThat(buf.writerIndex()).as("trimmed").isEqualTo(initialCapacity / 2);
            assertThat(used()).isEqualTo(initialCapacity / 2);
        } finally {
            buf.release();
        }
    }
}
