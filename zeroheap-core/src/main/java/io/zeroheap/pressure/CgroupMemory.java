package io.zeroheap.pressure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The memory files of one cgroup: its limit and its working set.
 *
 * <ul>
 *   <li>cgroup v1: {@code memory.limit_in_bytes} (and {@code hierarchical_memory_limit} from
 *       {@code memory.stat}, which covers the ancestors' limits), {@code memory.usage_in_bytes}
 *       and {@code total_inactive_file};</li>
 *   <li>cgroup v2: the lowest {@code memory.max} and {@code memory.high} of the cgroup and its
 *       ancestors up to the mount point, {@code memory.current} and {@code inactive_file}.</li>
 * </ul>
 * The working set is usage minus inactive file cache, which the kernel drops before it would
 * reclaim anything else (as the kubelet counts it).
 *
 * <p>Thread-safe (immutable; every call reads the files anew).
 */
public final class CgroupMemory {

    /** A v1 limit at or above this means "no limit" (the kernel's page-rounded LONG_MAX). */
    private static final long V1_UNLIMITED = 1L << 62;

    private final boolean v2;
    private final Path dir;
    private final Path mountPoint;

    private CgroupMemory(boolean v2, Path dir, Path mountPoint) {
        this.v2 = v2;
        this.dir = dir;
        this.mountPoint = mountPoint;
    }

    /** A cgroup v1 memory cgroup directory. */
    public static CgroupMemory v1(Path dir) {
        return new CgroupMemory(false, dir, dir);
    }

    /**
     * A cgroup v2 directory; limits are looked for in it and its ancestors up to and including
     * {@code mountPoint}.
     */
    public static CgroupMemory v2(Path dir, Path mountPoint) {
        return new CgroupMemory(true, dir, mountPoint);
    }

    /** Returns the cgroup's directory. */
    public Path dir() {
        return dir;
    }

    /** Returns {@code "cgroup v1 <dir>"} or {@code "cgroup v2 <dir>"}. */
    public String describe() {
        return (v2 ? "cgroup v2 " : "cgroup v1 ") + dir;
    }

    /**
     * Returns the cgroup's memory limit in bytes, {@link Long#MAX_VALUE} if it has none.
     *
     * @throws IOException if a limit file cannot be read or parsed
     */
    public long limitBytes() throws IOException {
        if (!v2) {
            long limit = readLong(dir.resolve("memory.limit_in_bytes"));
            long hierarchical = statValue("hierarchical_memory_limit").orElse(Long.MAX_VALUE);
            limit = Math.min(limit, hierarchical);
            return limit >= V1_UNLIMITED ? Long.MAX_VALUE : limit;
        }
        long limit = Long.MAX_VALUE;
        for (Path d = dir; d != null && d.startsWith(mountPoint); d = d.getParent()) {
            limit = Math.min(limit, readV2Limit(d.resolve("memory.max")));
            limit = Math.min(limit, readV2Limit(d.resolve("memory.high")));
        }
        return limit;
    }

    /**
     * Returns the cgroup's working set in bytes: usage minus inactive file cache.
     *
     * @throws IOException if the usage file cannot be read or parsed
     */
    public long workingSetBytes() throws IOException {
        long usage = readLong(dir.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
        long inactiveFile = statValue(v2 ? "inactive_file" : "total_inactive_file").orElse(0L);
        return Math.max(0, usage - inactiveFile);
    }

    /**
     * Finds the memory cgroup of this process from {@code /proc/self/cgroup} and
     * {@code /proc/self/mountinfo}-format files: the v1 memory controller's cgroup if it is
     * mounted, else the v2 cgroup if its mount has the memory controller.
     *
     * @return the cgroup, or empty if the process has none with memory files
     */
    public static Optional<CgroupMemory> locate(Path procSelfCgroup, Path mountInfo) {
        Mounts mounts = Mounts.read(procSelfCgroup, mountInfo);
        if (mounts.v1Memory().isPresent()) {
            return mounts.v1Memory().map(CgroupMemory::v1);
        }
        return mounts.v2Dir().filter(d -> Files.exists(d.resolve("memory.current")))
                .map(d -> v2(d, mounts.v2Mount().orElseThrow()));
    }

    /**
     * Returns this process's cgroup v2 {@code memory.pressure} file, if cgroup v2 is mounted
     * (also in hybrid setups whose memory controller is on v1) and the file exists.
     */
    public static Optional<Path> locatePressureFile(Path procSelfCgroup, Path mountInfo) {
        return Mounts.read(procSelfCgroup, mountInfo).v2Dir().map(d -> d.resolve("memory.pressure"))
                .filter(Files::isRegularFile);
    }

    private Optional<Long> statValue(String key) throws IOException {
        Path stat = dir.resolve("memory.stat");
        if (!Files.exists(stat)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(stat)) {
            if (line.startsWith(key + " ")) {
                return Optional.of(parse(stat, line.substring(key.length() + 1).trim()));
            }
        }
        return Optional.empty();
    }

    private static long readV2Limit(Path file) throws IOException {
        try {
            String text = Files.readString(file).trim();
            return text.equals("max") ? Long.MAX_VALUE : parse(file, text);
        } catch (NoSuchFileException e) {
            return Long.MAX_VALUE; // the root cgroup has no limit files
        }
    }

    private static long readLong(Path file) throws IOException {
        return parse(file, Files.readString(file).trim());
    }

    private static long parse(Path file, String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number: '" + text + "'", e);
        }
    }

    /** Where this process's cgroups are, from /proc/self/cgroup and mountinfo. */
    private record Mounts(Optional<Path> v1Memory, Optional<Path> v2Dir, Optional<Path> v2Mount) {

        static Mounts read(Path procSelfCgroup, Path mountInfo) {
            List<String> cgroups;
            List<String> mounts;
            try {
                cgroups = Files.readAllLines(procSelfCgroup);
                mounts = Files.readAllLines(mountInfo);
            } catch (IOException e) {
                return new Mounts(Optional.empty(), Optional.empty(), Optional.empty());
            }
            String v1Path = null;
            String v2Path = null;
            for (String line : cgroups) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                if (parts[0].equals("0") && parts[1].isEmpty()) {
                    v2Path = parts[2];
                } else if (List.of(parts[1].split(",")).contains("memory")) {
                    v1Path = parts[2];
                }
            }
            Optional<Path> v1 = Optional.empty();
            Optional<Path> v2 = Optional.empty();
            Optional<Path> v2Mount = Optional.empty();
            for (String line : mounts) {
                // id parent major:minor root mount-point options [optional...] - fstype source super-options
                int separator = line.indexOf(" - ");
                if (separator < 0) {
                    continue;
                }
                String[] left = line.substring(0, separator).split(" ");
                String[] right = line.substring(separator + 3).split(" ");
                if (left.length < 5 || right.length < 3) {
                    continue;
                }
                String root = left[3];
                Path mountPoint = Path.of(left[4]);
                if (right[0].equals("cgroup2") && v2Path != null && v2.isEmpty()) {
                    v2 = Optional.of(resolve(mountPoint, root, v2Path));
                    v2Mount = Optional.of(mountPoint);
                } else if (right[0].equals("cgroup") && v1Path != null && v1.isEmpty()
                        && List.of(right[2].split(",")).contains("memory")) {
                    v1 = Optional.of(resolve(mountPoint, root, v1Path));
                }
            }
            return new Mounts(v1, v2, v2Mount);
        }

        /** The cgroup's directory: its path relative to the mount's root, under the mount point. */
        private static Path resolve(Path mountPoint, String root, String cgroupPath) {
            String relative = cgroupPath.startsWith(root) ? cgroupPath.substring(root.length()) : cgroupPath;
            relative = relative.replaceFirst("^/+", "");
            return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
        }
    }
}
