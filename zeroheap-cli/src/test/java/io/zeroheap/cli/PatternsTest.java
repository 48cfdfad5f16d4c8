package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/** The stress run's write and check, full below the threshold and sampled above it, as documented. */
class PatternsTest {

    private static final long FULL = 256 << 10;

    @Test
    void shouldFindAnyNonZeroByteOfASmallBuffer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(FULL);
            assertThat(Patterns.firstMismatch(segment, (byte) 0, FULL)).isEqualTo(-1);

            segment.set(ValueLayout.JAVA_BYTE, FULL - 1, (byte) 1);
            segment.set(ValueLayout.JAVA_BYTE, 12_345, (byte) 2);

            assertThat(Patterns.firstMismatch(segment, (byte) 0, FULL)).isEqualTo(12_345);
        }
    }

    @Test
    void shouldCheckEdgesAndPageStartsOfALargeBuffer() {
        try (Arena arena = Arena.ofConfined()) {
            long size = (1 << 20) + 100;
            MemorySegment segment = arena.allocate(size);

            segment.set(ValueLayout.JAVA_BYTE, 300_000 + 100, (byte) 1);     // inside a page, past its first 64 bytes
            assertThat(Patterns.firstMismatch(segment, (byte) 0, FULL)).as("not in the sampled part").isEqualTo(-1);

            segment.set(ValueLayout.JAVA_BYTE, 299_008 + 63, (byte) 1);      // the last sampled byte of page 73
            assertThat(Patterns.firstMismatch(segment, (byte) 0, FULL)).isEqualTo(299_008 + 63);

            segment.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 1);          // the tail edge is checked in full
            segment.set(ValueLayout.JAVA_BYTE, 299_008 + 63, (byte) 0);
            assertThat(Patterns.firstMismatch(segment, (byte) 0, FULL)).isEqualTo(size - 1);
        }
    }

    @Test
    void shouldReadBackWhatItWroteAndSpotAnOverwrite() {
        try (Arena arena = Arena.ofConfined()) {
            for (long size : new long[] {1, 4095, 4097, FULL, FULL + 1, 3 << 20}) {
                MemorySegment segment = arena.allocate(size);
                Patterns.write(segment, (byte) 0x2a, FULL);

                assertThat(Patterns.firstMismatch(segment, (byte) 0x2a, FULL)).as("size %d", size).isEqualTo(-1);
                segment.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 0x2b);
                assertThat(Patterns.firstMismatch(segment, (byte) 0x2a, FULL)).isEqualTo(size - 1);
            }
        }
    }
}
