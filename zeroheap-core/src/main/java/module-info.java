/**
 * zeroheap: off-heap buffers that are always zero-filled, at the speed of a pool.
 *
 * <p>The API is the package {@code io.zeroheap}; every other package is an implementation
 * detail and is not exported. Native calls ({@code mmap}, {@code memset}, niceness) go through
 * {@code java.lang.foreign}: run with {@code --enable-native-access=io.zeroheap} to allow
 * them without a warning. Where they are denied, zeroheap falls back and says so in its stats.
 *
 * <p>Observability uses only JDK modules: {@code jdk.jfr} for the {@code io.zeroheap.*} Flight
 * Recorder events and {@code java.management} for each heap's JMX bean.
 */
module io.zeroheap {
    requires jdk.jfr;
    requires java.management;

    exports io.zeroheap;
}
