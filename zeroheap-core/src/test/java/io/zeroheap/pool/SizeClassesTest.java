package io.zeroheap.pool;

import io.zeroheap.Theories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizeClassesTest {

    private static final long PAGE = 4096;
    private final SizeClasses classes = new SizeClasses(PAGE, 32L << 20);

    @Test
    void everySizeGetsTheSmallestPageMultipleClassThatHoldsItWastingAtMostAQuarter() {
        Theories.qt(2000).forAll(Theories.longs(0, 32L << 20)).checkAssert(byteSize -> {
            int index = classes.indexOf(byteSize);
            long chunk = classes.byteSize(index);
            long asked = Math.max(PAGE, classes.roundToPages(byteSize));

            assertThat(chunk).isGreaterThanOrEqualTo(byteSize);
            assertThat(chunk % PAGE).isZero();
            assertThat(chunk - asked).as("waste for %d in class %d", byteSize, chunk).isLessThanOrEqualTo(chunk / 4);
            if (index > 0) {
                assertThat(classes.byteSize(index - 1)).as("the class below is too small").isLessThan(byteSize);
            }
        });
    }

    @Test
    void constantTimeIndexShouldAgreeWithTheBinarySearchAtEveryClassEdge() {
        for (long pageSize : new long[] {4096, 16384, 65536}) {
            SizeClasses sized = new SizeClasses(pageSize, 32L << 20);
            for (int i = 0; i < sized.count(); i++) {
                long edge = sized.byteSize(i);
                for (long byteSize : new long[] {edge - 1, edge, edge + 1, edge - pageSize + 1}) {
                    assertThat(sized.indexOf(byteSize)).as("page %d, size %d", pageSize, byteSize)
                            .isEqualTo(sized.indexBySearch(byteSize));
                }
            }
            assertThat(sized.indexOf(0)).isZero();
            assertThat(sized.indexOf(sized.maxClassByteSize() + 1)).isEqualTo(-1);
        }
    }

    @Test
    void shouldHaveFourClassesPerDoublingAboveFourPages() {
        assertThat(classes.byteSize(0)).isEqualTo(PAGE);
        long[] expectedPages = {1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32};
        for (int i = 0; i < expectedPages.length; i++) {
            assertThat(classes.byteSize(i)).isEqualTo(expectedPages[i] * PAGE);
        }
        assertThat(classes.maxClassByteSize()).isEqualTo(32L << 20);
    }

    @Test
    void shouldCallSizesAboveTheLargestClassHuge() {
        assertThat(classes.indexOf((32L << 20) + 1)).isEqualTo(-1);
        assertThat(classes.indexOf(0)).isZero();
    }

    @Test
    void shouldRejectBadParameters() {
        assertThatThrownBy(() -> new SizeClasses(3000, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pageSize: 3000 (expected: a power of two > 0)");
        assertThatThrownBy(() -> new SizeClasses(PAGE, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> classes.indexOf(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("byteSize: -1 (expected: >= 0)");
    }
}
