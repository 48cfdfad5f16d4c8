package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What each use mode writes and reads: exactly what it says, on a buffer of three pages and a bit. */
class BufferUseTest {

    private static final int BYTE_SIZE = 3 * 4096 + 100;

    @Test
    void shouldWriteNothingForNone() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(BYTE_SIZE);

            assertThat(BufferUse.NONE.apply(segment)).isEqualTo(segment.address());
            assertThat(nonZeroBytes(segment)).isZero();
        }
    }

    @Test
    void shouldWriteOneLongAtTheStartOfEveryPageForPage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(BYTE_SIZE);
            BufferUse.PAGE.apply(segment);

            for (long page = 0; page < 4; page++) {
                assertThat(segment.get(ValueLayout.JAVA_LONG_UNALIGNED, page * 4096)).isEqualTo(page * 4096 + 1);
            }
            assertThat(nonZeroBytes(segment)).as("only the four longs' bytes").isLessThanOrEqualTo(4 * 8).isPositive();
        }
    }

    @Test
    void shouldWriteEveryLongOfTheFirstPageOnlyForHead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(BYTE_SIZE);
            BufferUse.HEAD.apply(segment);

            for (long offset = 0; offset < 4096; offset += 8) {
                assertThat(segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset)).isEqualTo(offset + 1);
            }
            assertThat(nonZeroBytes(segment.asSlice(4096))).as("nothing past the first 4 KiB").isZero();
        }
    }

    @Test
    void shouldWriteEveryByteAndSumOneBytePerCacheLineForFill() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(BYTE_SIZE);

            long sum = BufferUse.FILL.apply(segment);

            assertThat(nonZeroBytes(segment)).isEqualTo(BYTE_SIZE);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, BYTE_SIZE - 1)).isEqualTo(BufferWork.FILL_BYTE);
            assertThat(sum).as("one byte per started 64-byte line").isEqualTo(BufferWork.FILL_BYTE * ((BYTE_SIZE + 63) / 64L));
        }
    }

    @Test
    void shouldHandleBuffersSmallerThanALongOrAPage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tiny = arena.allocate(5);
            for (BufferUse use : BufferUse.values()) {
                use.apply(tiny);
            }
            assertThat(tiny.get(ValueLayout.JAVA_BYTE, 4)).isEqualTo(BufferWork.FILL_BYTE);
        }
    }

    @Test
    void shouldFindModesByIdAndNameTheChoicesOtherwise() {
        assertThat(BufferUse.byId(" Fill ")).isEqualTo(BufferUse.FILL);
        assertThat(BufferUse.ids()).isEqualTo("none, page, head, fill");
        assertThatIllegalArgumentException().isThrownBy(() -> BufferUse.byId("touched"))
                .withMessage("'touched' (expected one of: none, page, head, fill)");
    }

    private static long nonZeroBytes(MemorySegment segment) {
        long count = 0;
        for (long i = 0; i < segment.byteSize(); i++) {
            count += segment.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
        }
        return count;
    }
}
