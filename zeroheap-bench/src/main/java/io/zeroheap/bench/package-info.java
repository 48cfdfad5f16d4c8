/**
 * JMH benchmarks of zeroheap against its peers ({@code <Op>Benchmark} classes, peers as
 * sibling methods, or a {@code @Param} where each peer needs its own thread), the small
 * package-private peer implementations they compare against, and the example program the
 * README's main-job command runs.
 */
package io.zeroheap.bench;
