package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * How {@code zeroheap stress} writes and checks buffers. A buffer of up to
 * {@code fullCheckBytes} bytes is written and checked in full; a larger one in its
 * <em>sampled part</em>: the first and the last {@value #EDGE_BYTES} bytes, and the first
 * {@value #PAGE_SAMPLE_BYTES} bytes of every 4 KiB page in between. A tag of 0 checks that the
 * buffer reads zero; other tags (1-255) are what a thread wrote, checked when another thread
 * receives the buffer. Comparisons use {@link MemorySegment#mismatch}, against read-only
 * template pages of each tag. Thread-safe (the templates are never written after setup).
 */
final class Patterns {

    /** Bytes checked in full at either end of a large buffer. */
    static final long EDGE_BYTES = 64 * 1024;
    /** Bytes checked at the start of every 4 KiB page of a large buffer. */
    static final long PAGE_SAMPLE_BYTES = 64;
    /** The smallest {@code fullCheckBytes}: a large buffer must hold both edges. */
    static final long MIN_FULL_CHECK_BYTES = 2 * EDGE_BYTES;

    private static final long PAGE_BYTES = 4096;
    private static final MemorySegment[] TEMPLATES = new MemorySegment[256];

    static {
        for (int tag = 0; tag < 256; tag++) {
            TEMPLATES[tag] = Arena.global().allocate(PAGE_BYTES).fill((byte) tag).asReadOnly();
        }
    }

    private Patterns() {
    }

    /** Describes what is checked, for the run's header. */
    static String describe(long fullCheckBytes) {
        return "buffers up to " + ByteSizes.approximate(fullCheckBytes) + " are checked in full; larger ones in the first and last "
                + ByteSizes.label(EDGE_BYTES) + " and the first " + PAGE_SAMPLE_BYTES + " bytes of every 4 KiB page in between";
    }

    /** Writes {@code tag} over the checked part of {@code segment}. */
    static void write(MemorySegment segment, byte tag, long fullCheckBytes) {
        long byteSize = segment.byteSize();
        if (byteSize <= fullCheckBytes) {
            segment.fill(tag);
            return;
        }
        segment.asSlice(0, EDGE_BYTES).fill(tag);
        segment.asSlice(byteSize - EDGE_BYTES, EDGE_BYTES).fill(tag);
        for (long page = EDGE_BYTES; page < byteSize - EDGE_BYTES; page += PAGE_BYTES) {
            segment.asSlice(page, Math.min(PAGE_SAMPLE_BYTES, byteSize - EDGE_BYTES - page)).fill(tag);
        }
    }

    /** The offset of the first byte in the checked part of {@code segment} that is not {@code tag}, or -1. */
    static long firstMismatch(MemorySegment segment, byte tag, long fullCheckBytes) {
        long byteSize = segment.byteSize();
        if (byteSize <= fullCheckBytes) {
            return compare(segment, 0, byteSize, tag);
        }
        long at = compare(segment, 0, EDGE_BYTES, tag);
        if (at < 0) {
            at = compare(segment, byteSize - EDGE_BYTES, EDGE_BYTES, tag);
        }
        for (long page = EDGE_BYTES; at < 0 && page < byteSize - EDGE_BYTES; page += PAGE_BYTES) {
            at = compare(segment, page, Math.min(PAGE_SAMPLE_BYTES, byteSize - EDGE_BYTES - page), tag);
        }
        return at;
    }

    /** The byte at {@code offset}, as an unsigned value, for reports. */
    static int byteAt(MemorySegment segment, long offset) {
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
    }

    private static long compare(MemorySegment segment, long from, long length, byte tag) {
        MemorySegment template = TEMPLATES[Byte.toUnsignedInt(tag)];
        for (long offset = from; offset < from + length; offset += PAGE_BYTES) {
            long n = Math.min(PAGE_BYTES, from + length - offset);
            long at = segment.asSlice(offset, n).mismatch(template.asSlice(0, n));
            if (at >= 0) {
                return offset + at;
            }
        }
        return -1;
    }
}
