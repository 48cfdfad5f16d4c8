package io.zeroheap.pressure;

/**
 * What the machine, or the process's cgroup, has at one instant.
 *
 * @param limitBytes     the memory this process may use in all: the cgroup's limit, or the
 *                       machine's {@code MemTotal} when that is lower or there is no limit
 * @param availableBytes what it can still take without reclaiming: the smaller of
 *                       {@code MemAvailable} and the cgroup's limit minus its working set
 *                       (usage without inactive file cache, which the kernel drops first)
 * @param limitedBy      what set the limit: {@code "cgroup v1 <dir>"}, {@code "cgroup v2 <dir>"}
 *                       or {@code "meminfo"}
 */
public record MemoryReading(long limitBytes, long availableBytes, String limitedBy) {
}
