package io.zeroheap.pressure;

import java.io.IOException;
import java.util.Optional;

/**
 * Reads how much memory this process may still take: {@code MemAvailable} from meminfo and,
 * if the process is in a memory cgroup with a limit, that limit minus the cgroup's working
 * set, whichever is smaller. Thread-safe.
 */
public final class MemoryProbe {

    private final MemInfo memInfo;
    private final Optional<CgroupMemory> cgroup;

    /**
     * @param memInfo the meminfo reader
     * @param cgroup  the process's memory cgroup, if any
     */
    public MemoryProbe(MemInfo memInfo, Optional<CgroupMemory> cgroup) {
        this.memInfo = memInfo;
        this.cgroup = cgroup;
    }

    /**
     * Reads the files now (a few small reads, ~10-30 µs).
     *
     * @throws IOException if meminfo or the cgroup's files cannot be read
     */
    public MemoryReading read() throws IOException {
        long[] machine = memInfo.read();
        long limit = machine[0];
        long available = machine[1];
        String limitedBy = "meminfo";
        if (cgroup.isPresent()) {
            long cgroupLimit = cgroup.get().limitBytes();
            if (cgroupLimit < limit) {
                limit = cgroupLimit;
                limitedBy = cgroup.get().describe();
                available = Math.min(available, Math.max(0, cgroupLimit - cgroup.get().workingSetBytes()));
            }
        }
        return new MemoryReading(limit, available, limitedBy);
    }

    /** Returns the cgroup read, if any. */
    public Optional<CgroupMemory> cgroup() {
        return cgroup;
    }

    /** Returns a description of the files read, for stats and reports. */
    public String describe() {
        return memInfo.file() + cgroup.map(c -> " + " + c.describe()).orElse("");
    }
}
