package io.zeroheap.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuCachesTest {

    @Test
    void shouldReadTheLevel2DataCacheAndSkipTheOthers(@TempDir Path dir) throws IOException {
        cache(dir, 0, "1", "Data", "48K");
        cache(dir, 1, "1", "Instruction", "64K");
        cache(dir, 2, "2", "Unified", "2048K");
        cache(dir, 3, "3", "Unified", "491520K");

        assertThat(CpuCaches.level2BytesPerCore(dir)).hasValue(2L << 20);
    }

    @Test
    void aLevel2CacheSharedByFourCpusShouldGiveEachAQuarter(@TempDir Path dir) throws IOException {
        cache(dir, 2, "2", "Unified", "4M");
        Files.writeString(dir.resolve("index2/shared_cpu_list"), "0-3\n");

        assertThat(CpuCaches.level2BytesPerCore(dir)).hasValue(1L << 20);
    }

    @Test
    void anUnreadableIndexShouldBeSkipped(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("index0")); // no level, type or size
        cache(dir, 2, "2", "Data", "1M");

        assertThat(CpuCaches.level2BytesPerCore(dir)).hasValue(1L << 20);
    }

    @Test
    void shouldBeEmptyWithoutALevel2DataCacheOrWhenUnreadable(@TempDir Path dir) throws IOException {
        assertThat(CpuCaches.level2BytesPerCore(dir.resolve("missing"))).isEmpty();
        cache(dir, 0, "2", "Instruction", "1M");
        assertThat(CpuCaches.level2BytesPerCore(dir)).isEmpty();
        cache(dir, 1, "2", "Unified", "lots");
        assertThat(CpuCaches.level2BytesPerCore(dir)).isEmpty();
        assertThat(CpuCaches.level2BytesPerCore(null)).isEmpty();
    }

    @Test
    void shouldParseSysfsSizes() {
        assertThat(CpuCaches.parseSize("512\n")).isEqualTo(512);
        assertThat(CpuCaches.parseSize("2048K")).isEqualTo(2L << 20);
        assertThat(CpuCaches.parseSize("1M")).isEqualTo(1L << 20);
        assertThat(CpuCaches.parseSize("1G")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> CpuCaches.parseSize("0K")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache size: \"0K\" (expected: positive)");
        assertThatThrownBy(() -> CpuCaches.parseSize("K")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cache size: \"K\"");
        assertThatThrownBy(() -> CpuCaches.parseSize("9223372036854775807K")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache size: \"9223372036854775807K\" (expected: under 2^63 bytes)");
    }

    @Test
    void shouldCountSysfsCpuLists() {
        assertThat(CpuCaches.countCpus("0\n")).isEqualTo(1);
        assertThat(CpuCaches.countCpus("0-3")).isEqualTo(4);
        assertThat(CpuCaches.countCpus("0,2,4-5")).isEqualTo(4);
        for (String bad : new String[] {"", "a", "3-1", "-1", "0-"}) {
            assertThatThrownBy(() -> CpuCaches.countCpus(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("CPU list: \"" + bad + "\" (expected: e.g. 0-3,5)");
        }
    }

    @Test
    void thisMachineShouldDescribeItsLevel2CacheWhereSysfsHasOne() {
        OptionalLong l2 = CpuCaches.level2BytesPerCore(CpuCaches.CPU0_CACHES);
        if (Files.isDirectory(CpuCaches.CPU0_CACHES.resolve("index2"))) {
            assertThat(l2).isPresent();
            assertThat(l2.getAsLong()).isBetween(64L << 10, 1L << 30);
        }
    }

    private static void cache(Path dir, int index, String level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + index));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}
