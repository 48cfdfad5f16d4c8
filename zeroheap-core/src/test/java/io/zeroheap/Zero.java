package io.zeroheap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Test helpers to check and scribble memory. */
final class Zero {

    private Zero() {
    }

    /** Returns the offset of the first non-zero byte, or -1 if every byte reads zero. */
    static long firstNonZero(MemorySegment segment) {
        long size = segment.byteSize();
        long i = 0;
        for (; i + 8 <= size; i += 8) {
            if (segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0) {
                break;
            }
        }
        for (; i < size; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** Returns the offset of the first byte that is not {@code value}, or -1. */
    static long firstNot(MemorySegment segment, byte value) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != value) {
                return i;
            }
        }
        return -1;
    }

    /** The accounts balance (allocated + pooled + pending = reserved), and no figure is negative. */
    static void assertBalanced(HeapStats stats) {
        if (stats.allocatedBytes() + stats.pooledBytes() + stats.pendingBytes() != stats.reservedBytes()
                || stats.allocatedBytes() < 0 || stats.pooledBytes() < 0 || stats.pendingBytes() < 0
                || stats.reservedBytes() < 0 || stats.cpuPoolBytes() < 0) {
            throw new AssertionError("exact accounting broken: allocated " + stats.allocatedBytes() + " + pooled "
                    + stats.pooledBytes() + " + pending " + stats.pendingBytes() + " != reserved "
                    + stats.reservedBytes() + ", or a figure is negative (per-CPU pools " + stats.cpuPoolBytes() + ")");
        }
    }
}
