package io.zeroheap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link PressureEndToEndTest}: allocates, touches and frees waves of buffers,
 * each wave in size classes of its own, so that without reclaim its pools would hoard every
 * wave (32 MiB each, the pool cap), far more than its cgroup allows. Idle decay is off, so
 * only pressure gives memory back. Prints one {@code RESULT} line with what was reclaimed.
 */
public final class PressureChild {

    private static final long MIB = 1 << 20;
    /** One size class per wave (four classes per doubling). */
    private static final long[] SIZES_KIB = {1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168};

    private PressureChild() {
    }

    /**
     * {@code args[0]}: waves (at most 12); {@code args[1]}: pause between waves in ms;
     * {@code args[2]}: {@code on} for the default reclaimer, {@code off} for one with PSI and
     * watermarks off.
     */
    public static void main(String[] args) throws InterruptedException {
        int waves = Integer.parseInt(args[0]);
        long pauseMillis = Long.parseLong(args[1]);
        Reclaimer reclaimer = args[2].equals("on") ? Reclaimer.system()
                : Reclaimer.startSystem(Reclaimer.builder().psi(false).watermarks(false));
        System.out.println("reclaimer: " + reclaimer.stats().psi() + "; " + reclaimer.stats().watermarks());
        try (SystemHeap heap = SystemHeap.builder().name("child").idleDecay(Duration.ZERO).build()) {
            for (int wave = 0; wave < waves; wave++) {
                long size = SIZES_KIB[wave] * 1024;
                List<HeapBuffer> buffers = new ArrayList<>();
                for (long bytes = 0; bytes + size <= 32 * MIB; bytes += size) {
                    HeapBuffer buffer = heap.allocate(size);
                    if (Zero.firstNonZero(buffer.segment()) != -1) {
                        throw new AssertionError("wave " + wave + ": a buffer does not read zero");
                    }
                    buffer.segment().fill((byte) 1);
                    buffers.add(buffer);
                }
                buffers.forEach(HeapBuffer::close);
                heap.drain();
                HeapStats stats = heap.stats();
                System.out.println("wave " + wave + ": pooled " + stats.pooledBytes() / MIB + " MiB, reserved "
                        + stats.reservedBytes() / MIB + " MiB, available " + reclaimer.stats().availableBytes() / MIB
                        + " MiB");
                Thread.sleep(pauseMillis);
            }
            ReclaimStats reclaim = reclaimer.stats();
            HeapStats stats = heap.stats();
            System.out.println("RESULT watermarkFreed=" + reclaim.source(PressureSource.WATERMARK).pagesFreed()
                    + " directFreed=" + reclaim.source(PressureSource.DIRECT_RECLAIM).pagesFreed()
                    + " psiFreed=" + reclaim.source(PressureSource.PSI).pagesFreed()
                    + " watermarkSignals=" + reclaim.source(PressureSource.WATERMARK).signals()
                    + " directSignals=" + reclaim.source(PressureSource.DIRECT_RECLAIM).signals()
                    + " reservedBytes=" + stats.reservedBytes()
                    + " shrunkPages=" + stats.shrunkPages());
        }
    }
}
