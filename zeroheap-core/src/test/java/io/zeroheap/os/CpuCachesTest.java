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

        assertThat(CpuCaches.level2Bytes(dir)).hasValue(2L << 20);
    }

    @Test
    void shouldBeEmptyWithoutALevel2DataCacheOrWhenUnreadable(@TempDir Path dir) throws IOException {
        assertThat(CpuCaches.level2Bytes(dir.resolve("missing"))).isEmpty();
        cache(dir, 0, "2", "Instruction", "1M");
        assertThat(CpuCaches.level2Bytes(dir)).isEmpty();
        cache(dir, 1, "2", "Unified", "lots");
        assertThat(CpuCaches.level2Bytes(dir)).isEmpty();
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
    }

    @Test
    void thisMachineShouldDescribeItsLevel2CacheWhereSysfsHasOne() {
        OptionalLong l2 = CpuCaches.level2Bytes(CpuCaches.CPU0_CACHES);
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
