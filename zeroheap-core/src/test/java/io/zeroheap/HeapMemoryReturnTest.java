package io.zeroheap;

import io.zeroheap.os.NativeThreads;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Memory given back by {@code shrink} really leaves the process (Linux RSS). */
class HeapMemoryReturnTest {

    private static final long MIB = 1 << 20;

    @Test
    void shrinkShouldLowerTheResidentSetSize() throws IOException {
        assumeTrue(NativeThreads.isSupported() && Files.exists(Path.of("/proc/self/status")),
                "needs Linux /proc and native access");
        try (SystemHeap heap = SystemHeap.builder().name("rss").register(false).build()) {
            assumeTrue(heap.stats().memorySource().equals("mmap"), "needs the mmap source");
            List<HeapBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 96; i++) {
                HeapBuffer buffer = heap.allocate(MIB);
                buffer.segment().fill((byte) 1);
                buffers.add(buffer);
            }
            buffers.forEach(HeapBuffer::close);
            heap.drain();
            assertThat(heap.stats().pooledBytes()).isGreaterThanOrEqualTo(32 * MIB);
            long pooled = heap.stats().pooledBytes();
            long before = residentBytes();

            long pages = heap.shrink(Long.MAX_VALUE);

            long after = residentBytes();
            assertThat(pages * heap.stats().pageSize()).isEqualTo(pooled);
            assertThat(before - after).as("RSS drop (before %d, after %d)", before, after)
                    .isGreaterThanOrEqualTo(pooled * 9 / 10);
        }
    }

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
