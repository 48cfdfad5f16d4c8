package io.zeroheap.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The CPU's cache sizes, as Linux describes them in sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache/index<n>/{level,type,size,shared_cpu_list}}).
 * Stateless; any thread. On a hybrid CPU this describes the first CPU's kind of core only.
 */
public final class CpuCaches {

    /** Where Linux describes the first CPU's caches. */
    public static final Path CPU0_CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private CpuCaches() {
    }

    /**
     * Returns one CPU's share, in bytes, of the level-2 data (or unified) cache described
     * under {@code cacheDir}: its size divided by the logical CPUs that share it
     * ({@code shared_cpu_list}; one if that file is missing), so with SMT each hardware
     * thread gets its part. Never throws.
     *
     * @param cacheDir a directory laid out as {@link #CPU0_CACHES}; null gives empty
     * @return the share, or empty where the directory is missing or describes no readable
     *         level-2 data cache (an unreadable index is skipped; indexes are read in order)
     */
    public static OptionalLong level2BytesPerCore(Path cacheDir) {
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(cacheDir)) { // no glob: no regex to load
            for (Path entry : stream) {
                if (entry.getFileName().toString().startsWith("index")) {
                    indexes.add(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // no sysfs here, or not one we can read: unknown
        }
        indexes.sort(null);
        for (Path index : indexes) {
            OptionalLong share = level2Share(index);
            if (share.isPresent()) {
                return share;
            }
        }
        return OptionalLong.empty();
    }

    /** One core's share of the cache {@code index} describes, if it is a level-2 data cache. */
    private static OptionalLong level2Share(Path index) {
        try {
            if (!Files.readString(index.resolve("level")).strip().equals("2")
                    || Files.readString(index.resolve("type")).strip().equals("Instruction")) {
                return OptionalLong.empty();
            }
            long size = parseSize(Files.readString(index.resolve("size")));
            Path shared = index.resolve("shared_cpu_list");
            int cpus = Files.exists(shared) ? countCpus(Files.readString(shared)) : 1;
            return OptionalLong.of(size / cpus);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Parses a sysfs cache size such as {@code 2048K}, {@code 1M} or {@code 512} (bytes).
     *
     * @throws IllegalArgumentException if {@code text} is not a positive number with an
     *                                  optional {@code K}, {@code M} or {@code G} suffix, or
     *                                  does not fit in a {@code long}
     */
    static long parseSize(String text) {
        String s = text.strip();
        int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cache size: \"" + text.strip()
                    + "\" (expected: a number, then K, M or G)", e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException("cache size: \"" + text.strip() + "\" (expected: positive)");
        }
        if (value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("cache size: \"" + text.strip() + "\" (expected: under 2^63 bytes)");
        }
        return value << shift;
    }

    /**
     * Counts the CPUs of a sysfs CPU list such as {@code 0}, {@code 0-3} or {@code 0,2,4-5}.
     *
     * @throws IllegalArgumentException if {@code list} is not such a list
     */
    static int countCpus(String list) {
        int count = 0;
        for (String part : list.strip().split(",")) {
            int dash = part.indexOf('-');
            int first;
            int last;
            try {
                first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw badCpuList(list, e);
            }
            if (first < 0 || last < first) {
                throw badCpuList(list, null);
            }
            count += last - first + 1;
        }
        return count;
    }

    private static IllegalArgumentException badCpuList(String list, Exception cause) {
        return new IllegalArgumentException("CPU list: \"" + list.strip() + "\" (expected: e.g. 0-3,5)", cause);
    }
}
