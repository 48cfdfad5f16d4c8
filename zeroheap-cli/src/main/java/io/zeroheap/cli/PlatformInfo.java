package io.zeroheap.cli;

import io.zeroheap.HeapStats;
import io.zeroheap.ReclaimStats;
import io.zeroheap.Reclaimer;
import io.zeroheap.SystemHeap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the platform gives zeroheap, as name-value facts: page size, memory source and worker
 * niceness (from a heap built with the defaults), transparent huge pages, pressure stall
 * information, what the process-wide {@link Reclaimer} watches (its PSI trigger and its
 * memory watermarks), the cgroup memory limit, the JDK, and whether native access is enabled.
 * Every fact that cannot be had says so ("not available") instead of failing.
 */
public final class PlatformInfo {

    /**
     * One fact: a name and what was found.
     *
     * @param name  what the fact is about, one of {@link #NAMES}
     * @param value what was found, or why nothing was ("not available ...")
     */
    public record Fact(String name, String value) {
    }

    /** The names of the facts {@link #collect()} returns, in order. */
    public static final List<String> NAMES = List.of(
            "zeroheap", "os", "cpus", "memory", "page size", "memory source", "worker niceness",
            "transparent huge pages", "THP defrag", "PSI (memory pressure)", "pressure: PSI", "pressure: watermarks",
            "cgroup memory limit", "jdk", "native access");

    private static final String NOT_AVAILABLE = "not available";
    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final Path THP_DEFRAG = Path.of("/sys/kernel/mm/transparent_hugepage/defrag");
    private static final Path PSI_MEMORY = Path.of("/proc/pressure/memory");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final Pattern BRACKETED = Pattern.compile("\\[(\\S+)]");
    /** cgroup v1 reports "no limit" as a page-rounded Long.MAX_VALUE. */
    private static final long UNLIMITED_V1 = 1L << 62;

    private PlatformInfo() {
    }

    /** Collects every fact; builds (and closes) a heap with the defaults to read its stats. */
    public static List<Fact> collect() {
        HeapStats stats;
        try (SystemHeap heap = SystemHeap.builder().name("zeroheap-info").register(false).build()) {
            stats = heap.stats();
        }
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("zeroheap", VersionProvider.version()));
        facts.add(new Fact("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")));
        facts.add(new Fact("cpus", Runtime.getRuntime().availableProcessors() + cpuModel().map(m -> " (" + m + ")").orElse("")));
        facts.add(new Fact("memory", memTotal().map(ByteSizes::approximate).orElse(NOT_AVAILABLE)));
        facts.add(new Fact("page size", stats.pageSize() + " bytes"));
        facts.add(new Fact("memory source", stats.memorySource()));
        facts.add(new Fact("worker niceness", stats.workerNice().isPresent()
                ? String.valueOf(stats.workerNice().getAsInt())
                : NOT_AVAILABLE + " (the worker runs at Thread.MIN_PRIORITY)"));
        facts.add(new Fact("transparent huge pages", bracketed(THP_ENABLED)));
        facts.add(new Fact("THP defrag", bracketed(THP_DEFRAG)));
        facts.add(new Fact("PSI (memory pressure)", psi()));
        ReclaimStats reclaim = Reclaimer.system().stats();
        facts.add(new Fact("pressure: PSI", reclaim.psi()));
        facts.add(new Fact("pressure: watermarks", reclaim.watermarks()));
        facts.add(new Fact("cgroup memory limit", cgroupLimit()));
        facts.add(new Fact("jdk", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vm.vendor") + ")"));
        facts.add(new Fact("native access", nativeAccess()));
        return facts;
    }

    /** Resident memory of this process (VmRSS in /proc/self/status) in bytes, or -1 where unknown. */
    public static long rssBytes() {
        return procKiB(Path.of("/proc/self/status"), "VmRSS:").orElse(-1L);
    }

    /** Whether FFM native access is enabled for the module zeroheap-core is in, and which module that is. */
    static String nativeAccess() {
        Module module = SystemHeap.class.getModule();
        String where = module.isNamed() ? "module " + module.getName() : "the unnamed module (zeroheap-core on the class path)";
        return (module.isNativeAccessEnabled() ? "enabled" : "NOT enabled (run with --enable-native-access=ALL-UNNAMED)") + " for " + where;
    }

    /** The selected value of a sysfs choice file ("always [madvise] never" gives "madvise"), with the choices. */
    private static String bracketed(Path file) {
        return read(file).map(text -> {
            Matcher m = BRACKETED.matcher(text);
            return m.find() ? m.group(1) + " (" + text.strip() + ")" : text.strip();
        }).orElse(NOT_AVAILABLE + " (no " + file + ")");
    }

    private static String psi() {
        return read(PSI_MEMORY)
                .map(text -> "available: " + text.lines().findFirst().orElse("").strip())
                .orElse(NOT_AVAILABLE + " (no " + PSI_MEMORY + ")");
    }

    /** The memory limit of this process's cgroup: v2 {@code memory.max}, else v1 {@code memory.limit_in_bytes}. */
    static String cgroupLimit() {
        List<String> lines = read(Path.of("/proc/self/cgroup")).map(t -> t.lines().toList()).orElse(List.of());
        String v2Path = null;
        String v1Path = null;
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && parts[0].equals("0") && parts[1].isEmpty()) {
                v2Path = parts[2];
            } else if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                v1Path = parts[2];
            }
        }
        List<Path> candidates = new ArrayList<>();
        if (v2Path != null) {
            candidates.add(CGROUP_ROOT.resolve(v2Path.substring(1)).resolve("memory.max"));
        }
        candidates.add(CGROUP_ROOT.resolve("memory.max"));
        if (v1Path != null) {
            candidates.add(CGROUP_ROOT.resolve("memory").resolve(v1Path.substring(1)).resolve("memory.limit_in_bytes"));
        }
        candidates.add(CGROUP_ROOT.resolve("memory/memory.limit_in_bytes"));
        for (Path file : candidates) {
            Optional<String> text = read(file);
            if (text.isPresent()) {
                String value = text.get().strip();
                String version = file.getFileName().toString().equals("memory.max") ? "v2" : "v1";
                if (value.equals("max") || (value.matches("\\d+") && Long.parseLong(value) >= UNLIMITED_V1)) {
                    return "none (cgroup " + version + ", " + file + ": " + value + ")";
                }
                if (value.matches("\\d+")) {
                    return ByteSizes.approximate(Long.parseLong(value)) + " (cgroup " + version + ", " + file + ")";
                }
                return value + " (cgroup " + version + ", " + file + ")";
            }
        }
        return NOT_AVAILABLE + " (no memory.max or memory.limit_in_bytes under " + CGROUP_ROOT + ")";
    }

    private static Optional<String> cpuModel() {
        return read(Path.of("/proc/cpuinfo")).flatMap(text -> text.lines()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst());
    }

    private static Optional<Long> memTotal() {
        return procKiB(Path.of("/proc/meminfo"), "MemTotal:");
    }

    /** A "Name:   1234 kB" line of a /proc file, in bytes. */
    private static Optional<Long> procKiB(Path file, String key) {
        return read(file).flatMap(text -> text.lines()
                .filter(l -> l.startsWith(key))
                .map(l -> l.substring(key.length()).strip().split("\\s+")[0])
                .filter(v -> v.matches("\\d+"))
                .map(v -> Long.parseLong(v) * 1024)
                .findFirst());
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
