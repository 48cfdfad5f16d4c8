package io.zeroheap.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints byte sizes with binary units: {@code 4K}, {@code 64KiB}, {@code 1m},
 * {@code 32 MiB} and {@code 4096} are all accepted; {@code K}, {@code M}, {@code G} always
 * mean 1024, 1024², 1024³.
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {
    }

    /**
     * Parses a size such as {@code 64K} or {@code 1.5MiB} into bytes.
     *
     * @throws IllegalArgumentException if the text is not a size, or it is not a whole number
     *                                  of bytes or does not fit in a {@code long}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected: e.g. 4096, 4K, 64KiB, 1M, 32MiB)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        double value = Double.parseDouble(m.group(1)) * (1L << shift);
        if (value >= 0x1p63 || value != Math.rint(value)) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes that fits in a long");
        }
        return (long) value;
    }

    /**
     * Prints a size exactly, in the largest unit it is a whole multiple of: {@code 4 KiB},
     * {@code 32 MiB}, {@code 1536 KiB}, {@code 4097 B}.
     */
    public static String label(long bytes) {
        int unit = 0;
        while (unit < UNITS.length - 1 && bytes % (1L << (10 * (unit + 1))) == 0 && bytes != 0) {
            unit++;
        }
        return (bytes >> (10 * unit)) + " " + UNITS[unit];
    }

    /** Prints an amount of memory approximately: {@code 0 B}, {@code 812 KiB}, {@code 45.2 MiB}, {@code 1.07 GiB}. */
    public static String approximate(long bytes) {
        if (bytes < 0) {
            return "-" + approximate(-bytes);
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return Numbers.threeDigits(value) + " " + UNITS[unit];
    }

    /** Picocli's converter for size options; a bad size is a usage error (exit code 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
