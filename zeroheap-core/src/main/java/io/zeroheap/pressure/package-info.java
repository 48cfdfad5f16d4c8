/**
 * Where memory pressure is read from (not exported): the process's cgroup limits and usage,
 * {@code /proc/meminfo}, and the watermark policy that turns a reading into pages to reclaim.
 * {@link io.zeroheap.Reclaimer} runs them on its own thread. Every path comes from
 * configuration, so tests point these readers at files they write.
 */
package io.zeroheap.pressure;
