package io.zeroheap.cli;

import picocli.CommandLine;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations ({@code 200ms}, {@code 2s}, {@code 1.5m}, {@code 500us}; a bare number is
 * seconds) and prints latencies ({@code 95 ns}, {@code 1.17 µs}, {@code 705 µs},
 * {@code 1.54 ms}).
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|min)?", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException if the text is not a duration
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected: e.g. 500ms, 2s, 1m; a bare number is seconds)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double nanos = value * switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> 60e9;
        };
        if (nanos >= 0x1p63) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * Prints a latency in nanoseconds with three significant digits and a unit, using
     * {@code µs} ({@code us} if {@code ascii}).
     */
    public static String latency(double nanos, boolean ascii) {
        String micro = ascii ? "us" : "µs";
        if (nanos < 1e3) {
            return Numbers.threeDigits(nanos) + " ns";
        }
        if (nanos < 1e6) {
            return Numbers.threeDigits(nanos / 1e3) + " " + micro;
        }
        if (nanos < 1e9) {
            return Numbers.threeDigits(nanos / 1e6) + " ms";
        }
        return Numbers.threeDigits(nanos / 1e9) + " s";
    }

    /** Prints a latency for the terminal: {@code µs} only where standard output is UTF-8. */
    public static String latency(double nanos) {
        return latency(nanos, !STDOUT_UTF8);
    }

    private static final boolean STDOUT_UTF8 = stdoutIsUtf8();

    private static boolean stdoutIsUtf8() {
        String encoding = System.getProperty("stdout.encoding");
        try {
            return encoding != null && Charset.forName(encoding).name().equals("UTF-8");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Parses a duration where a bare number means milliseconds ({@code 2}, {@code 0.5},
     * {@code 20ms}, {@code 500us}), as {@code --gap} takes them.
     *
     * @throws IllegalArgumentException if the text is not a duration
     */
    public static Duration parseMillis(String text) {
        String t = text.strip();
        try {
            return parse(t.matches("\\d+(?:\\.\\d+)?") ? t + "ms" : t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected: milliseconds, e.g. 0, 2, 20, or with a unit, e.g. 500us)");
        }
    }

    /** Picocli's converter for options in milliseconds ({@link #parseMillis}); a bad value is a usage error. */
    public static final class MillisConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseMillis(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Picocli's converter for duration options; a bad duration is a usage error (exit code 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
