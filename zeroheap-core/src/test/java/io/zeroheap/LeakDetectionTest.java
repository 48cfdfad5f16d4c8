package io.zeroheap;

import io.zeroheap.leak.LeakReaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Buffers and arenas dropped without a close are found after a GC, reported to the
 * {@code io.zeroheap.leak} logger (System.Logger, backed by java.util.logging here) and their
 * memory comes back; closed ones are never reported.
 */
class LeakDetectionTest {

    private static final long KIB = 1024;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Reports about this test's heap (other tests' unclosed buffers may be reported too). */
    private final List<LogRecord> reports = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(LeakDetection.LOGGER_NAME);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (heap != null && record.getMessage().contains("heap '" + heap.name() + "'")) {
                reports.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private volatile SystemHeap heap;

    @BeforeEach
    void captureReports() {
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
        if (heap != null && Heaps.find(heap.name()).isPresent()) {
            heap.close();
        }
    }

    private SystemHeap heap(String name, LeakDetection level) {
        heap = SystemHeap.builder().name(name).leakDetection(level).build();
        return heap;
    }

    /** Runs the GC until {@code done} holds; fails after 10 s. Waits on the reaper between GCs. */
    private static void gcUntil(BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - start).as("leak found within 10 s").isLessThan(TIMEOUT_NANOS);
            System.gc();
            Object lock = new Object();
            synchronized (lock) {
                lock.wait(20); // give the reaper thread a moment; the loop re-checks the condition
            }
        }
    }

    // Allocation in their own frames, so no stale local keeps the object reachable.
    private static MemorySegment leakBufferKeepingItsSegment(Heap heap, long byteSize) {
        HeapBuffer buffer = heap.allocate(byteSize);
        buffer.segment().fill((byte) 0x5A);
        return buffer.segment();
    }

    private static void leakBuffer(Heap heap, long byteSize) {
        heap.allocate(byteSize).segment().fill((byte) 0x5A);
    }

    private static void leakArena(Arena arena) {
        arena.allocate(100).fill((byte) 1);          // sliced from a 4-page chunk
        arena.allocate(40 * KIB).fill((byte) 2);
    }

    @Test
    void aDroppedBufferShouldBeReportedWithItsAllocationSiteAndItsMemoryReturned() throws Exception {
        SystemHeap heap = heap("leak-buffer", LeakDetection.ALL);
        MemorySegment stale = leakBufferKeepingItsSegment(heap, 64 * KIB);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);

        assertThat(reports).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("LEAK", "HeapBuffer of 65536 bytes", "'leak-buffer'", "64.0 KiB");
            assertThat(record.getThrown()).isNotNull();
            assertThat(record.getThrown().getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().equals("leakBufferKeepingItsSegment"));
        });
        heap.drain();
        HeapStats stats = heap.stats();
        assertThat(stats.allocatedBytes()).isZero();
        assertThat(stats.pooledBytes()).isEqualTo(stats.reservedBytes()).isPositive();
        assertThat(stats.leakedBytes()).isEqualTo(64 * KIB);
        Zero.assertBalanced(stats);
        // Rule 2: the leaked buffer's segment died with its generation before its memory was reused.
        assertThatThrownBy(() -> stale.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        try (HeapBuffer again = heap.allocate(64 * KIB)) {
            assertThat(Zero.firstNonZero(again.segment())).isEqualTo(-1);
            assertThat(heap.stats().poolHits()).isEqualTo(1);
        }
    }

    @Test
    void aDroppedConfinedArenaShouldBeFoundOnceItsSegmentsAreUnreachable() throws Exception {
        SystemHeap heap = heap("leak-arena", LeakDetection.ALL);
        leakArena(heap.newArena());
        gcUntil(() -> heap.stats().leakedArenas() == 1);
        assertThat(reports).singleElement().satisfies(record ->
                assertThat(record.getMessage()).contains("confined heap arena of 2 chunks", "'leak-arena'"));
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
        assertThat(heap.stats().leakedBytes()).isEqualTo(16 * KIB + 40 * KIB);
        Zero.assertBalanced(heap.stats());
    }

    @Test
    void aDroppedSharedArenaShouldBeFoundAndTheHeapShouldStillClose() throws Exception {
        SystemHeap heap = heap("leak-shared", LeakDetection.SAMPLED);
        leakArena(heap.newSharedArena());
        gcUntil(() -> heap.stats().leakedArenas() == 1);
        assertThat(reports).singleElement().satisfies(record ->
                assertThat(record.getMessage()).contains("shared heap arena"));
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
        heap.close();
    }

    @Test
    void closedBuffersAndArenasShouldNeverBeReported() throws Exception {
        SystemHeap heap = heap("leak-none", LeakDetection.ALL);
        long trackersBefore = LeakReaper.liveTrackers();
        for (int i = 0; i < 200; i++) {
            HeapBuffer buffer = heap.allocate(4 * KIB);
            buffer.retain();
            buffer.close();
            buffer.close();
            try (Arena arena = heap.newArena()) {
                arena.allocate(100);
            }
        }
        Arena shared = heap.newSharedArena();
        shared.allocate(8 * KIB);
        shared.close();
        assertThat(LeakReaper.liveTrackers()).isEqualTo(trackersBefore);
        // A leak of a marker buffer proves the GC and the reaper ran; nothing else may show up.
        leakBuffer(heap, 4 * KIB);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);
        assertThat(reports).hasSize(1);
        assertThat(heap.stats().leakedArenas()).isZero();
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
    }

    @Test
    void sampledLevelShouldSayHowToGetTheAllocationSiteWhenItHasNone() throws Exception {
        SystemHeap heap = heap("leak-sampled", LeakDetection.SAMPLED);
        for (int i = 0; i < 16; i++) {
            leakBuffer(heap, 4 * KIB);
        }
        gcUntil(() -> heap.stats().leakedBuffers() == 16);
        assertThat(reports).hasSize(16).anySatisfy(record -> {
            assertThat(record.getThrown()).isNull();
            assertThat(record.getMessage()).contains("one allocation in 128", "-Dio.zeroheap.leakDetection=all");
        });
    }

    @Test
    void offShouldTrackNothing() {
        SystemHeap heap = heap("leak-off", LeakDetection.OFF);
        long trackersBefore = LeakReaper.liveTrackers();
        HeapBuffer buffer = heap.allocate(4 * KIB);
        Arena arena = heap.newArena();
        assertThat(LeakReaper.liveTrackers()).isEqualTo(trackersBefore);
        assertThat(heap.stats().leakDetection()).isEqualTo(LeakDetection.OFF);
        arena.close();
        buffer.close();
    }

    @Test
    void levelsShouldParseAndRejectUnknownNames() {
        assertThat(LeakDetection.parse(" Sampled ")).isEqualTo(LeakDetection.SAMPLED);
        assertThat(LeakDetection.parse("all")).isEqualTo(LeakDetection.ALL);
        assertThat(LeakDetection.parse("OFF")).isEqualTo(LeakDetection.OFF);
        assertThatThrownBy(() -> LeakDetection.parse("paranoid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leak detection level: \"paranoid\" (expected: off, sampled or all)");
        assertThatThrownBy(() -> SystemHeap.builder().leakDetection(null)).isInstanceOf(NullPointerException.class);
        String before = System.getProperty(LeakDetection.PROPERTY);
        try {
            System.setProperty(LeakDetection.PROPERTY, "all");
            assertThat(LeakDetection.fromSystemProperty()).isEqualTo(LeakDetection.ALL);
            System.clearProperty(LeakDetection.PROPERTY);
            assertThat(LeakDetection.fromSystemProperty()).isEqualTo(LeakDetection.SAMPLED);
        } finally {
            if (before != null) {
                System.setProperty(LeakDetection.PROPERTY, before);
            }
        }
    }
}
