package io.zeroheap.pool;

import io.zeroheap.util.Checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chunk sizes a heap pools: page multiples with four classes per doubling (1, 2, 3, 4, 5,
 * 6, 7, 8, 10, 12, 14, 16, 20, ... pages), so rounding a request up to its class wastes at most
 * 25% of the class (under 20% above 4 pages). Requests above the largest class are "huge":
 * mapped and unmapped on their own, rounded up to a page.
 *
 * <p>Immutable and thread-safe.
 */
public final class SizeClasses {

    private final long pageSize;
    private final int pageShift;
    private final long[] classByteSizes;

    /**
     * Creates the classes for {@code pageSize}, up to the largest class not above
     * {@code maxClassByteSize}.
     *
     * @throws IllegalArgumentException if {@code pageSize} is not a positive power of two, or
     *                                  {@code maxClassByteSize < pageSize}
     */
    public SizeClasses(long pageSize, long maxClassByteSize) {
        Checks.requirePowerOfTwo(pageSize, "pageSize");
        if (maxClassByteSize < pageSize) {
            throw new IllegalArgumentException("maxClassByteSize: " + maxClassByteSize
                    + " (expected: >= pageSize " + pageSize + ")");
        }
        this.pageSize = pageSize;
        this.pageShift = Long.numberOfTrailingZeros(pageSize);
        List<Long> sizes = new ArrayList<>();
        long maxPages = maxClassByteSize / pageSize;
        for (long pages = 1; pages <= maxPages; pages += step(pages)) {
            sizes.add(pages * pageSize);
        }
        long[] byteSizes = new long[sizes.size()]; // a loop, not a stream: this runs on a heap's first build
        for (int i = 0; i < byteSizes.length; i++) {
            byteSizes[i] = sizes.get(i);
        }
        this.classByteSizes = byteSizes;
    }

    /** The distance from a class of {@code pages} pages to the next one. */
    private static long step(long pages) {
        if (pages < 4) {
            return 1;
        }
        int log2 = 63 - Long.numberOfLeadingZeros(pages);
        return 1L << (log2 - 2);
    }

    /** Returns the page size in bytes. */
    public long pageSize() {
        return pageSize;
    }

    /** Returns the number of classes. */
    public int count() {
        return classByteSizes.length;
    }

    /** Returns the byte size of class {@code index}. */
    public long byteSize(int index) {
        return classByteSizes[index];
    }

    /** Returns the largest class's byte size. */
    public long maxClassByteSize() {
        return classByteSizes[classByteSizes.length - 1];
    }

    /**
     * Returns the index of the smallest class that holds {@code byteSize} bytes, or -1 if it
     * is above the largest class (a huge request). Constant time: the classes follow
     * {@link #step}, so the index is computed from the page count's highest bit.
     *
     * @throws IllegalArgumentException if {@code byteSize < 0}
     */
    public int indexOf(long byteSize) {
        if (byteSize < 0) {
            Checks.requireNonNegative(byteSize, "byteSize");
        }
        if (byteSize > maxClassByteSize()) {
            return -1;
        }
        long pages = Math.max(1, (byteSize + pageSize - 1) >>> pageShift);
        if (pages <= 4) {
            return (int) pages - 1;
        }
        int log2 = 63 - Long.numberOfLeadingZeros(pages - 1); // 2^log2 < pages <= 2^(log2+1)
        int stepShift = log2 - 2;
        long steps = (pages - (1L << log2) + (1L << stepShift) - 1) >>> stepShift; // 1 to 4
        return 4 + (log2 - 2) * 4 + (int) steps - 1;
    }

    /** The index {@link #indexOf} computes, by binary search over the classes; for tests. */
    int indexBySearch(long byteSize) {
        if (byteSize > maxClassByteSize()) {
            return -1;
        }
        int found = Arrays.binarySearch(classByteSizes, Math.max(byteSize, 1));
        return found >= 0 ? found : -found - 1;
    }

    /** Returns {@code byteSize} rounded up to whole pages. */
    public long roundToPages(long byteSize) {
        return (byteSize + pageSize - 1) & -pageSize;
    }
}
