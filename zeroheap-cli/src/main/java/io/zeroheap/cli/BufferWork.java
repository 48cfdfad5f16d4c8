package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The loops behind {@link BufferUse}, and the reader's side of a hand-over: plain stores and
 * loads through {@link MemorySegment}, the same code for every allocator. Stateless.
 */
final class BufferWork {

    /** The stride of {@link BufferUse#PAGE}, and the span {@link BufferUse#HEAD} writes, in bytes. */
    static final int PAGE_BYTES = 4096;

    /** The stride of the reads, in bytes: one cache line. */
    static final int CACHE_LINE_BYTES = 64;

    /** The byte {@link BufferUse#FILL} writes. */
    static final byte FILL_BYTE = 7;

    private BufferWork() {
    }

    /** Writes one {@code long} at the start of every 4 KiB page; returns the address. */
    static long writePages(MemorySegment segment) {
        long last = segment.byteSize() - Long.BYTES;
        for (long offset = 0; offset <= last; offset += PAGE_BYTES) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
        }
        return segment.address();
    }

    /** Writes every {@code long} of the first 4 KiB (fewer if the buffer is smaller); returns the address. */
    static long writeHead(MemorySegment segment) {
        long last = Math.min(segment.byteSize(), PAGE_BYTES) - Long.BYTES;
        for (long offset = 0; offset <= last; offset += Long.BYTES) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
        }
        return segment.address();
    }

    /** Writes {@link #FILL_BYTE} into every byte, then returns {@link #readLines}. */
    static long fillAndRead(MemorySegment segment) {
        segment.fill(FILL_BYTE);
        return readLines(segment);
    }

    /** Reads one byte per 64-byte cache line and returns their sum. */
    static long readLines(MemorySegment segment) {
        long sum = 0;
        long size = segment.byteSize();
        for (long offset = 0; offset < size; offset += CACHE_LINE_BYTES) {
            sum += segment.get(ValueLayout.JAVA_BYTE, offset);
        }
        return sum;
    }
}
