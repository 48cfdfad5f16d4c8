package io.zeroheap.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * What {@link AllocateBenchmark} does with each buffer (its {@code use} parameter), the same
 * code for every peer, on a {@link MemorySegment} over the buffer's memory. The same four modes
 * as {@code zeroheap bench --use}. Stateless.
 */
enum BufferUse {
    /** Nothing written or read. */
    NONE,
    /** One {@code long} written per 4 KiB page (the old {@code touch=true}). */
    PAGE,
    /** Every {@code long} of the first 4 KiB written: a socket read into a large buffer. */
    HEAD,
    /** Every byte written ({@code fill((byte) 7)}), then one byte per 64-byte cache line read and summed. */
    FILL;

    /** The stride of {@link #PAGE} and the span of {@link #HEAD}, in bytes. */
    static final int PAGE_BYTES = 4096;

    /** The stride of the reads, in bytes. */
    static final int CACHE_LINE_BYTES = 64;

    /**
     * The mode of a {@code @Param} value ({@code none}, {@code page}, {@code head}, {@code fill}).
     *
     * @throws IllegalArgumentException if it is none of them
     */
    static BufferUse of(String param) {
        try {
            return valueOf(param.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("use: '" + param + "' (expected one of: none, page, head, fill)", e);
        }
    }

    /** Does this mode's work on {@code segment}; returns a value that depends on it, to sink. */
    long apply(MemorySegment segment) {
        return switch (this) {
            case NONE -> segment.address();
            case PAGE -> {
                long last = segment.byteSize() - Long.BYTES;
                for (long offset = 0; offset <= last; offset += PAGE_BYTES) {
                    segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
                }
                yield segment.address();
            }
            case HEAD -> {
                long last = Math.min(segment.byteSize(), PAGE_BYTES) - Long.BYTES;
                for (long offset = 0; offset <= last; offset += Long.BYTES) {
                    segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
                }
                yield segment.address();
            }
            case FILL -> {
                segment.fill((byte) 7);
                yield readLines(segment);
            }
        };
    }

    /** Reads one byte per 64-byte cache line and returns their sum (also the reader's side of a hand-over). */
    static long readLines(MemorySegment segment) {
        long sum = 0;
        long size = segment.byteSize();
        for (long offset = 0; offset < size; offset += CACHE_LINE_BYTES) {
            sum += segment.get(ValueLayout.JAVA_BYTE, offset);
        }
        return sum;
    }
}
