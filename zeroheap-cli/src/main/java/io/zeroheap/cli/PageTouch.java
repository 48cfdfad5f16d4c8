package io.zeroheap.cli;

import io.netty.buffer.ByteBuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The benchmark's touch: one {@code long} written per 4 KiB page, as a user writing into a
 * fresh buffer would, which dirties every page (so a pooling allocator really has to zero it).
 */
final class PageTouch {

    private PageTouch() {
    }

    static void touch(MemorySegment segment) {
        long last = segment.byteSize() - Long.BYTES;
        for (long offset = 0; offset <= last; offset += Allocator.PAGE_BYTES) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
        }
    }

    static void touch(ByteBuffer buffer) {
        int last = buffer.capacity() - Long.BYTES;
        for (int offset = 0; offset <= last; offset += Allocator.PAGE_BYTES) {
            buffer.putLong(offset, offset + 1L);
        }
    }

    static void touch(ByteBuf buffer) {
        int last = buffer.capacity() - Long.BYTES;
        for (int offset = 0; offset <= last; offset += Allocator.PAGE_BYTES) {
            buffer.setLong(offset, offset + 1L);
        }
    }
}
