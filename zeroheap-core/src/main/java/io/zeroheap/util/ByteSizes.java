package io.zeroheap.util;

import java.util.Locale;

/**
 * Formats byte counts for people: {@code 0 B}, {@code 512 B}, {@code 4.0 KiB},
 * {@code 12.5 MiB}, {@code 1.0 GiB} (binary units, one decimal). Thread-safe (stateless).
 */
public final class ByteSizes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {
    }

    /** Returns {@code byteSize} in the largest binary unit it reaches; negative values keep their sign. */
    public static String format(long byteSize) {
        if (byteSize == Long.MAX_VALUE) {
            return "unlimited";
        }
        long magnitude = Math.abs(byteSize);
        if (magnitude < 1024) {
            return byteSize + " B";
        }
        int unit = 0;
        double value = magnitude / 1024.0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%s%.1f %s", byteSize < 0 ? "-" : "", value, UNITS[unit]);
    }
}
