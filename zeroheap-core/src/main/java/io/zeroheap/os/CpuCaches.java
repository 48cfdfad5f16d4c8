package io.zeroheap.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The CPU's cache sizes, as Linux describes them in sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache/index<n>/{level,type,size}}). Stateless; any
 * thread.
 */
public final class CpuCaches {

    /** Where Linux describes the first CPU's caches. */
    public static final Path CPU0_CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private CpuCaches() {
    }

    /**
     * Returns the size in bytes of the level-2 data (or unified) cache described under
     * {@code cacheDir}, one core's share of it on most CPUs.
     *
     * @param cacheDir a directory laid out as {@link #CPU0_CACHES}
     * @return the size, or empty where the directory is missing, has no level-2 data cache, or
     *         cannot be read or parsed
     */
    public static OptionalLong level2Bytes(Path cacheDir) {
        try (DirectoryStream<Path> indexes = Files.newDirectoryStream(cacheDir, "index*")) {
            for (Path index : indexes) {
                if (Files.readString(index.resolve("level")).strip().equals("2")
                        && !Files.readString(index.resolve("type")).strip().equals("Instruction")) {
                    return OptionalLong.of(parseSize(Files.readString(index.resolve("size"))));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Parses a sysfs cache size such as {@code 2048K}, {@code 1M} or {@code 512}.
     *
     * @throws IllegalArgumentException if {@code text} is not a positive number with an
     *                                  optional {@code K}, {@code M} or {@code G} suffix
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
            throw new IllegalArgumentException("cache size: \"" + text + "\" (expected: a number, then K, M or G)", e);
        }
        if (value <= 0 || value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("cache size: \"" + text + "\" (expected: positive)");
        }
        return value << shift;
    }
}
