package io.zeroheap;

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
        if (heap != null && !heap.toString().endsWith(", closed]")) {
            heap.close();
        }
    }

    private SystemHeap heap(String name, LeakDetection level) {
        heap = SystemHeap.builder().name(name).leakDetection(level).build();
        return heap;
    }

    /** A heap no system shrinker reaches, so that nothing purges pinned chunks behind the test's back. */
    private SystemHeap unregisteredHeap(String name, LeakDetection level) {
        heap = SystemHeap.builder().name(name).register(false).leakDetection(level).build();
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

    /** Runs a few more GCs, each followed by a pause for the reaper: what was not found by now is not leaked. */
    private static void gcSeveralTimes() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Object lock = new Object();
            synchronized (lock) {
                lock.wait(20);
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

    private static void leakRetainedBuffer(Heap heap) {
        HeapBuffer buffer = heap.allocate(4 * KIB);
        buffer.retain();
        buffer.retain();
        buffer.close(); // count 2 when dropped
    }

    private static void leakArena(Arena arena) {
        arena.allocate(100).fill((byte) 1);          // sliced from a 4-page chunk
        arena.allocate(40 * KIB).fill((byte) 2);
    }

    private static MemorySegment leakArenaKeepingASegment(Arena arena) {
        arena.allocate(100).fill((byte) 1);
        MemorySegment kept = arena.allocate(40 * KIB);
        kept.fill((byte) 0x33);
        return kept;
    }

    @Test
    void aDroppedBufferShouldBeReportedWithItsAllocationSiteAndItsMemoryRecycledOnlyOnceItsGenerationRetires()
            throws Exception {
        SystemHeap heap = unregisteredHeap("leak-buffer", LeakDetection.ALL);
        HeapBuffer keeper = heap.allocate(64 * KIB); // a live buffer of the same generation
        MemorySegment stale = leakBufferKeepingItsSegment(heap, 64 * KIB);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);

        assertThat(reports).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("LEAK", "HeapBuffer of 65536 bytes", "'leak-buffer'", "64.0 KiB")
                    .doesNotContain("sampled");
            assertThat(record.getThrown()).isNotNull();
            assertThat(record.getThrown().getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().equals("leakBufferKeepingItsSegment"));
        });
        heap.drain();
        // Rule 2: the generation has a live buffer, so the leaked chunk is not recycled: the
        // stale segment still works and still reads its own data, and new memory is elsewhere.
        assertThat(Zero.firstNot(stale, (byte) 0x5A)).isEqualTo(-1);
        try (HeapBuffer other = heap.allocate(64 * KIB)) {
            assertThat(other.segment().address()).isNotEqualTo(stale.address());
            assertThat(Zero.firstNonZero(other.segment())).isEqualTo(-1);
        }
        assertThat(Zero.firstNot(stale, (byte) 0x5A)).isEqualTo(-1);

        keeper.close(); // the generation's last live buffer: it retires
        heap.drain();
        HeapStats stats = heap.stats();
        assertThat(stats.allocatedBytes()).isZero();
        assertThat(stats.pooledBytes()).isEqualTo(stats.reservedBytes()).isPositive();
        assertThat(stats.leakedBytes()).isEqualTo(64 * KIB);
        Zero.assertBalanced(stats);
        // The leaked buffer's segment died with its generation before its memory was reused.
        assertThatThrownBy(() -> stale.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        try (HeapBuffer again = heap.allocate(64 * KIB)) {
            assertThat(Zero.firstNonZero(again.segment())).isEqualTo(-1);
        }
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
    }

    @Test
    void anUntrackedBufferShouldNeverBeReportedEvenWhenEveryAllocationIsTracked() throws Exception {
        SystemHeap heap = heap("leak-untracked", LeakDetection.ALL);
        heap.allocateUntracked(4 * KIB).segment().fill((byte) 0x5A); // dropped: its wrapper reports it
        leakBuffer(heap, 8 * KIB); // a tracked one, found: the GC ran and the reaper looked
        gcUntil(() -> heap.stats().leakedBuffers() == 1);
        gcSeveralTimes();

        assertThat(heap.stats().leakedBuffers()).as("only the tracked one").isOne();
        assertThat(heap.stats().leakedBytes()).isEqualTo(8 * KIB);
        assertThat(reports).singleElement().satisfies(record ->
                assertThat(record.getMessage()).contains("HeapBuffer of 8192 bytes"));
        assertThat(heap.stats().allocatedBytes()).as("the untracked one keeps its memory").isEqualTo(4 * KIB);
    }

    @Test
    void aBufferRetainedAndDroppedShouldBeReclaimedExactlyOnce() throws Exception {
        SystemHeap heap = heap("leak-retained", LeakDetection.ALL);
        leakRetainedBuffer(heap);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);
        gcSeveralTimes();
        heap.drain();
        HeapStats stats = heap.stats();
        assertThat(stats.leakedBuffers()).isOne();
        assertThat(stats.leakedBytes()).isEqualTo(4 * KIB);
        assertThat(stats.allocatedBytes()).isZero();
        assertThat(stats.pendingBytes()).isZero();
        assertThat(stats.pooledBytes()).isEqualTo(stats.reservedBytes()); // a second release would unbalance this
        Zero.assertBalanced(stats);
        assertThat(reports).hasSize(1);
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
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
    void aDroppedArenaShouldNotBeReclaimedWhileOneOfItsSegmentsIsReachable() throws Exception {
        SystemHeap heap = heap("leak-arena-segment", LeakDetection.ALL);
        MemorySegment kept = leakArenaKeepingASegment(heap.newArena());
        // A leaked marker buffer proves that GCs ran and the reaper took what they found.
        leakBuffer(heap, 4 * KIB);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);
        gcSeveralTimes();
        assertThat(heap.stats().leakedArenas()).isZero();
        assertThat(Zero.firstNot(kept, (byte) 0x33)).as("the segment still has its memory and data").isEqualTo(-1);
        assertThat(heap.stats().allocatedBytes()).isEqualTo(16 * KIB + 40 * KIB);

        kept = null; // now the arena's scope is unreachable
        gcUntil(() -> heap.stats().leakedArenas() == 1);
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
        Zero.assertBalanced(heap.stats());
    }

    @Test
    void aDroppedSharedArenaShouldBeFoundAndTheHeapShouldStillClose() throws Exception {
        SystemHeap heap = heap("leak-shared", LeakDetection.ALL);
        leakArena(heap.newSharedArena());
        gcUntil(() -> heap.stats().leakedArenas() == 1);
        assertThat(reports).singleElement().satisfies(record ->
                assertThat(record.getMessage()).contains("shared heap arena"));
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
        heap.close();
        assertThat(heap.stats().reservedBytes()).isZero();
    }

    @Test
    void offShouldStillFreeADroppedSharedArenaWhenTheHeapCloses() throws Exception {
        SystemHeap heap = heap("leak-off-shared", LeakDetection.OFF);
        leakArena(heap.newSharedArena());
        gcSeveralTimes(); // the heap holds it strongly: it is not lost to the GC
        assertThat(heap.stats().allocatedBytes()).isEqualTo(16 * KIB + 40 * KIB);
        heap.close();
        HeapStats stats = heap.stats();
        assertThat(stats.allocatedBytes()).isZero();
        assertThat(stats.pendingBytes()).isZero();
        assertThat(stats.reservedBytes()).isZero();
        Zero.assertBalanced(stats);
        assertThat(stats.leakedArenas()).isZero();
    }

    @Test
    void closedBuffersAndArenasShouldNeverBeReported() throws Exception {
        SystemHeap heap = heap("leak-none", LeakDetection.ALL);
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
        assertThat(heap.leakDetector().trackedObjects()).isEqualTo(401);
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
        // A leak of a marker buffer proves the GC and the reaper ran; nothing else may show up.
        leakBuffer(heap, 4 * KIB);
        gcUntil(() -> heap.stats().leakedBuffers() == 1);
        gcSeveralTimes();
        assertThat(reports).hasSize(1);
        assertThat(heap.stats().leakedBuffers()).isOne();
        assertThat(heap.stats().leakedArenas()).isZero();
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
        heap.drain();
        assertThat(heap.stats().allocatedBytes()).isZero();
    }

    @Test
    void sampledShouldTrackAboutOneAllocationIn128() {
        // A clock that moves a whole sample spacing per reading: the rate cap never binds.
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        heap = SystemHeap.builder().name("leak-sampling").leakDetection(LeakDetection.SAMPLED)
                .leakClock(() -> clock.addAndGet(1_000_000_000L / LeakDetection.MAX_SAMPLES_PER_SECOND)).build();
        int allocations = 100 * LeakDetection.SAMPLE_INTERVAL;
        for (int i = 0; i < allocations / 2; i++) {
            heap.allocate(4 * KIB).close();
            try (Arena arena = heap.newArena()) {
                arena.allocate(100);
            }
        }
        // Binomial(12800, 1/128): mean 100, standard deviation 10; this band is 6 of them wide.
        assertThat(heap.leakDetector().trackedObjects()).isBetween(40L, 200L);
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
    }

    @Test
    void sampledShouldTrackAtMostItsCapPerSecondHoweverManyAllocationsRun() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000);
        heap = SystemHeap.builder().name("leak-sample-cap").leakDetection(LeakDetection.SAMPLED)
                .leakClock(clock::get).build();
        for (int i = 0; i < 20 * LeakDetection.SAMPLE_INTERVAL; i++) { // ~20 samples drawn in one instant
            heap.allocate(4 * KIB).close();
        }
        assertThat(heap.leakDetector().trackedObjects()).as("one per spacing of the frozen clock").isEqualTo(1);

        clock.addAndGet(1_000_000_000L); // a second later
        while (heap.leakDetector().trackedObjects() < 2) { // the next drawn sample is taken
            heap.allocate(4 * KIB).close();
        }
        for (int i = 0; i < 20 * LeakDetection.SAMPLE_INTERVAL; i++) {
            heap.allocate(4 * KIB).close();
        }
        assertThat(heap.leakDetector().trackedObjects()).isEqualTo(2);
        assertThat(heap.leakDetector().openTrackedObjects()).isZero();
    }

    @Test
    void aSampledLeakShouldBeReportedWithItsStackTraceAndSayHowToTrackEveryAllocation() throws Exception {
        SystemHeap heap = heap("leak-sampled", LeakDetection.SAMPLED);
        long leaked = leakUntilOneIsTracked(heap);
        gcUntil(() -> heap.stats().leakedBuffers() == heap.leakDetector().trackedObjects());
        assertThat(leaked).isGreaterThanOrEqualTo(heap.stats().leakedBuffers());
        assertThat(reports).isNotEmpty().allSatisfy(record -> {
            assertThat(record.getThrown()).isNotNull();
            assertThat(record.getMessage()).contains("one allocation in 128", "leakDetection(LeakDetection.ALL)")
                    .doesNotContain("-D" + LeakDetection.PROPERTY);
        });
    }

    @Test
    void aLevelFromTheSystemPropertyShouldBeNamedInTheReport() throws Exception {
        String before = System.getProperty(LeakDetection.PROPERTY);
        try {
            System.setProperty(LeakDetection.PROPERTY, "sampled");
            heap = SystemHeap.builder().name("leak-property").build();
        } finally {
            restoreProperty(before);
        }
        SystemHeap heap = this.heap;
        assertThat(heap.stats().leakDetection()).isEqualTo(LeakDetection.SAMPLED);
        leakUntilOneIsTracked(heap);
        gcUntil(() -> heap.stats().leakedBuffers() == heap.leakDetector().trackedObjects());
        assertThat(reports).isNotEmpty().allSatisfy(record ->
                assertThat(record.getMessage()).contains("run with -D" + LeakDetection.PROPERTY + "=all"));
    }

    /** Leaks buffers until one is tracked; returns how many. Their generations stay pinned until the heap closes. */
    private static long leakUntilOneIsTracked(SystemHeap heap) {
        long leaked = 0;
        while (heap.leakDetector().trackedObjects() == 0) {
            assertThat(leaked).as("one in 128 tracked; 10000 untracked in a row has odds e^-78").isLessThan(10_000);
            leakBuffer(heap, 4 * KIB);
            leaked++;
        }
        return leaked;
    }

    private static void restoreProperty(String before) {
        if (before != null) {
            System.setProperty(LeakDetection.PROPERTY, before);
        } else {
            System.clearProperty(LeakDetection.PROPERTY);
        }
    }

    @Test
    void offShouldTrackNothing() {
        SystemHeap heap = heap("leak-off", LeakDetection.OFF);
        HeapBuffer buffer = heap.allocate(4 * KIB);
        Arena arena = heap.newArena();
        Arena shared = heap.newSharedArena();
        assertThat(heap.leakDetector().trackedObjects()).isZero();
        assertThat(heap.stats().leakDetection()).isEqualTo(LeakDetection.OFF);
        shared.close();
        arena.close();
        buffer.close();
    }

    @Test
    void aBadPropertyShouldFailOnlyABuildThatReadsIt() {
        String before = System.getProperty(LeakDetection.PROPERTY);
        try {
            System.setProperty(LeakDetection.PROPERTY, "paranoid");
            SystemHeap.Builder builder = SystemHeap.builder().name("leak-bad-property").register(false);
            try (SystemHeap explicit = builder.leakDetection(LeakDetection.OFF).build()) {
                assertThat(explicit.stats().leakDetection()).isEqualTo(LeakDetection.OFF);
            }
            assertThatThrownBy(() -> SystemHeap.builder().name("leak-bad-property").register(false).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("paranoid");
            assertThat(Heaps.find("leak-bad-property")).isEmpty();
        } finally {
            restoreProperty(before);
        }
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
            restoreProperty(before);
        }
    }
}
