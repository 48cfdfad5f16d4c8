/**
 * Micrometer meters for zeroheap: {@link io.zeroheap.micrometer.ZeroheapMetrics} binds one
 * heap's memory by state and its event counters to a {@code MeterRegistry}.
 */
package io.zeroheap.micrometer;
