/**
 * JMH benchmarks of zeroheap against its peers ({@code <Op>Benchmark} classes, peers as
 * sibling methods), and the example program the README's main-job command runs.
 */
package io.zeroheap.bench;
