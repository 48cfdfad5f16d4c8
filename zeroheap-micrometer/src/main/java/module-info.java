/**
 * Micrometer meters for zeroheap heaps: {@link io.zeroheap.micrometer.ZeroheapMetrics}.
 * Users' modules read {@code micrometer.core} themselves (an automatic module, so it is not
 * required transitively here).
 */
@SuppressWarnings("requires-automatic") // micrometer-core ships no module-info
module io.zeroheap.micrometer {
    requires transitive io.zeroheap;
    requires micrometer.core;

    exports io.zeroheap.micrometer;
}
