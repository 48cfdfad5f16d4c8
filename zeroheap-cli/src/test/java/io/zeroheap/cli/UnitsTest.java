package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Sizes, durations and latencies as typed and as printed. */
class UnitsTest {

    @ParameterizedTest
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "64KiB, 65536", "64 KB, 65536", "1m, 1048576", "1.5M, 1572864",
                "32MiB, 33554432", "1G, 1073741824", "0, 0"})
    void shouldParseBinarySizes(String text, long bytes) {
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
    }

    @Test
    void shouldRejectWhatIsNotAWholeSize() {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSizes.parse("-1K")).withMessageContaining("'-1K' is not a size");
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSizes.parse("1.0001K")).withMessageContaining("whole number of bytes");
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSizes.parse("9999999T")).withMessageContaining("fits in a long");
    }

    @ParameterizedTest
    @CsvSource({"4096, 4 KiB", "65536, 64 KiB", "1048576, 1 MiB", "33554432, 32 MiB", "4097, 4097 B", "1572864, 1536 KiB", "0, 0 B"})
    void shouldLabelSizesExactly(long bytes, String label) {
        assertThat(ByteSizes.label(bytes)).isEqualTo(label);
    }

    @ParameterizedTest
    @CsvSource({"0, 0 B", "1000, 1000 B", "47396044, 45.2 MiB", "1150000000, 1.07 GiB"})
    void shouldPrintMemoryApproximately(long bytes, String text) {
        assertThat(ByteSizes.approximate(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"200ms, 200000000", "2s, 2000000000", "2, 2000000000", "1.5m, 90000000000", "500us, 500000", "10 ns, 10"})
    void shouldParseDurations(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "2, 2000000", "0.5, 500000", "20ms, 20000000", "500us, 500000", "1s, 1000000000"})
    void shouldParseGapsWithBareNumbersInMilliseconds(String text, long nanos) {
        assertThat(Durations.parseMillis(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @Test
    void shouldRejectWhatIsNotADuration() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parseMillis("-1"))
                .withMessage("'-1' is not a duration (expected: milliseconds, e.g. 0, 2, 20, or with a unit, e.g. 500us)");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("1h")).withMessageContaining("'1h' is not a duration");
    }

    @ParameterizedTest
    @CsvSource({"7, 7 ns", "95, 95 ns", "1174.9, 1.17 µs", "12300, 12.3 µs", "704600, 705 µs", "1540000, 1.54 ms", "2500000000, 2.5 s"})
    void shouldPrintLatenciesWithThreeSignificantDigits(double nanos, String text) {
        assertThat(Durations.latency(nanos, false)).isEqualTo(text);
        assertThat(Durations.latency(nanos, true)).isEqualTo(text.replace("µs", "us"));
    }

    @Test
    void shouldPrintRatiosAndRates() {
        assertThat(Numbers.ratio(0.114)).isEqualTo("0.11");
        assertThat(Numbers.ratio(0.0037)).isEqualTo("0.004");
        assertThat(Numbers.ratio(0.0121)).isEqualTo("0.01");
        assertThat(Numbers.ratio(13.64)).isEqualTo("13.6");
        assertThat(Numbers.ratio(245.4)).isEqualTo("245");
        assertThat(Numbers.ratio(Double.NaN)).isEqualTo("-");
        assertThat(Numbers.rate(8_100_000)).isEqualTo("8.1 M");
        assertThat(Numbers.rate(812)).isEqualTo("812");
    }
}
