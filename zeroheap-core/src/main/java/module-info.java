/**
 * zeroheap: off-heap buffers that are always zero-filled, at the speed of a pool.
 *
 * <p>The API is the package {@code io.zeroheap}; every other package is an implementation
 * detail and is not exported. Native calls ({@code mmap}, {@code memset}, niceness) go through
 * {@code java.lang.foreign}: run with {@code --enable-native-access=io.zeroheap} to allow
 * them without a warning. Where they are denied, zeroheap falls back and says so in its stats.
 */
module io.zeroheap {
    exports io.zeroheap;
}
