package io.zeroheap.pressure;

import io.zeroheap.Theories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** meminfo and cgroup readings combined, and the watermark rule. */
class MemoryProbeTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void withoutACgroupTheMachineShouldSetLimitAndAvailable() throws IOException {
        MemoryProbe probe = new MemoryProbe(new MemInfo(meminfo(1024 * MIB, 600 * MIB)), Optional.empty());
        assertThat(probe.read()).isEqualTo(new MemoryReading(1024 * MIB, 600 * MIB, "meminfo"));
    }

    @Test
    void aCgroupLimitBelowTheMachineShouldSetLimitAndAvailable() throws IOException {
        Path dir = Files.createDirectories(root.resolve("cg"));
        Files.writeString(dir.resolve("memory.limit_in_bytes"), 256 * MIB + "\n");
        Files.writeString(dir.resolve("memory.usage_in_bytes"), 200 * MIB + "\n");
        MemoryProbe probe = new MemoryProbe(new MemInfo(meminfo(1024 * MIB, 600 * MIB)),
                Optional.of(CgroupMemory.v1(dir)));

        MemoryReading reading = probe.read();

        assertThat(reading.limitBytes()).isEqualTo(256 * MIB);
        assertThat(reading.availableBytes()).isEqualTo(56 * MIB);
        assertThat(reading.limitedBy()).startsWith("cgroup v1");
    }

    @Test
    void meminfoWithoutMemAvailableShouldFailNamingTheFile() throws IOException {
        Path file = Files.writeString(root.resolve("meminfo"), "MemTotal: 1000 kB\n");
        assertThatThrownBy(() -> new MemInfo(file).read()).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void watermarksShouldRejectSharesOutOfOrderOrRange() {
        assertThatThrownBy(() -> new Watermarks(0.2, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("highFraction");
        assertThatThrownBy(() -> new Watermarks(0, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowFraction");
        assertThatThrownBy(() -> new Watermarks(0.1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Under the low watermark reclaim brings available memory to the high one; above it, nothing. */
    @Test
    void reclaimShouldStartUnderLowAndReachHigh() {
        Theories.qt(300).forAll(Theories.longs(1, 1L << 40), Theories.doubles(0, 1), Theories.doubles(0.01, 0.3),
                Theories.doubles(0, 0.3)).checkAssert((limit, availableShare, low, extra) -> {
            Watermarks marks = new Watermarks(low, Math.min(0.99, low + extra));
            MemoryReading reading = new MemoryReading(limit, (long) (limit * availableShare), "test");

            long reclaim = marks.bytesToReclaim(reading);

            if (reading.availableBytes() >= marks.lowBytes(reading)) {
                assertThat(reclaim).isZero();
            } else {
                assertThat(reclaim).isPositive();
                assertThat(reading.availableBytes() + reclaim).isEqualTo(marks.highBytes(reading));
            }
        });
    }

    private Path meminfo(long total, long available) throws IOException {
        return Files.writeString(root.resolve("meminfo"), "MemTotal:       " + total / 1024 + " kB\n"
                + "MemFree:        1 kB\nMemAvailable:   " + available / 1024 + " kB\n");
    }
}
