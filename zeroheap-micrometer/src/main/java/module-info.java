/**
 * Micrometer meters for zeroheap heaps: {@link io.zeroheap.micrometer.ZeroheapMetrics}.
 */
module io.zeroheap.micrometer {
    requires transitive io.zeroheap;
    requires transitive micrometer.core;

    exports io.zeroheap.micrometer;
}
