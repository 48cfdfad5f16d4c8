package io.zeroheap.bench;

import io.zeroheap.HeapBuffer;
import io.zeroheap.PressureSource;
import io.zeroheap.ReclaimStats;
import io.zeroheap.Reclaimer;
import io.zeroheap.SystemHeap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures how long memory takes to leave the process after a pressure signal: a heap pools
 * 128 MiB (4 size classes at their 32 MiB cap), then a meminfo file the reclaimer watches is
 * rewritten to say memory is short, and the time until the resident set size (VmRSS) has
 * dropped by 90% of the pooled bytes is taken. The reclaimer polls every {@code pollMillis}
 * (default 250, the library default), so detection adds up to one interval; the reclaim itself
 * (the part a PSI event, which wakes the thread at once, also pays) is shown separately.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp zeroheap-bench/target/benchmarks.jar
 * io.zeroheap.bench.PressureResponse [rounds] [pollMillis]}.
 */
public final class PressureResponse {

    private static final long MIB = 1 << 20;

    private PressureResponse() {
    }

    /** Runs the rounds and prints one line per round, then the median. */
    public static void main(String[] args) throws IOException, InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long pollMillis = args.length > 1 ? Long.parseLong(args[1]) : 250;
        Path meminfo = Files.createTempFile("zeroheap-meminfo", "");
        writeMeminfo(meminfo, 16_000 * MIB);
        List<Long> responses = new ArrayList<>();
        try (Reclaimer reclaimer = Reclaimer.builder().psi(false).noCgroup().procMeminfo(meminfo)
                .pollInterval(Duration.ofMillis(pollMillis)).threadName("pressure-response").build();
             SystemHeap heap = SystemHeap.builder().name("pressure-response").idleDecay(Duration.ZERO)
                     .refillPools(false).build()) {
            for (int round = 0; round < rounds; round++) {
                fillPools(heap);
                long pooled = heap.stats().pooledBytes();
                long rssBefore = residentBytes();
                long start = System.nanoTime();
                writeMeminfo(meminfo, 100 * MIB); // under the 5% low watermark of 16000 MiB
                long rss;
                while (rssBefore - (rss = residentBytes()) < pooled * 9 / 10) {
                    if (System.nanoTime() - start > 5_000_000_000L) {
                        throw new IllegalStateException("no RSS drop within 5 s: " + reclaimer.stats());
                    }
                    Thread.sleep(1);
                }
                long response = System.nanoTime() - start;
                responses.add(response);
                ReclaimStats.SourceStats watermark = reclaimer.stats().source(PressureSource.WATERMARK);
                System.out.printf("round %d: pooled %d MiB, RSS %d -> %d MiB in %.1f ms (reclaim itself %.2f ms)%n",
                        round, pooled / MIB, rssBefore / MIB, rss / MIB, response / 1e6,
                        watermark.lastLatencyNanos() / 1e6);
                writeMeminfo(meminfo, 16_000 * MIB);
                Thread.sleep(2 * pollMillis); // let the reclaimer read the calm file
            }
            responses.sort(null);
            System.out.printf("median signal-to-RSS-drop %.1f ms over %d rounds (poll interval %d ms); %s%n",
                    responses.get(responses.size() / 2) / 1e6, rounds, pollMillis,
                    reclaimer.stats().source(PressureSource.WATERMARK));
        } finally {
            Files.deleteIfExists(meminfo);
        }
    }

    private static void fillPools(SystemHeap heap) {
        List<HeapBuffer> buffers = new ArrayList<>();
        for (long size : new long[] {MIB, 1280 << 10, 1536 << 10, 1792 << 10}) {
            for (long bytes = 0; bytes + size <= 32 * MIB; bytes += size) {
                HeapBuffer buffer = heap.allocate(size);
                buffer.segment().fill((byte) 1);
                buffers.add(buffer);
            }
        }
        buffers.forEach(HeapBuffer::close);
        heap.drain();
    }

    private static void writeMeminfo(Path file, long available) throws IOException {
        Files.writeString(file, "MemTotal: " + 16_000 * MIB / 1024 + " kB\nMemAvailable: " + available / 1024 + " kB\n");
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
