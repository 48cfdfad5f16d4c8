package io.zeroheap;

import io.zeroheap.os.MemoryRefusedException;
import io.zeroheap.os.MemorySource;
import io.zeroheap.os.PsiTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each pressure source of the {@link Reclaimer}, driven by files the test writes, a fake clock,
 * a memory source that refuses, and (where the machine has it) a real PSI trigger.
 */
class ReclaimerTest {

    private static final long MIB = 1 << 20;
    private static final long PAGE = 4096;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void aReadingUnderTheLowWatermarkShouldReclaimUpToTheHighOne() throws IOException {
        Path meminfo = meminfo(1000 * MIB, 30 * MIB);
        Shrinkers shrinkers = new Shrinkers();
        FakeShrinker shrinker = new FakeShrinker("fake", 0, 1_000_000, 1);
        shrinkers.register(shrinker);
        Reclaimer reclaimer = stoppedReclaimer(shrinkers, meminfo);

        reclaimer.runDue(clock.get());

        long expectedPages = (100 * MIB - 30 * MIB) / PAGE; // high 10% minus available
        assertThat(shrinker.asked).containsExactly(expectedPages);
        ReclaimStats.SourceStats watermark = reclaimer.stats().source(PressureSource.WATERMARK);
        assertThat(watermark.signals()).isOne();
        assertThat(watermark.pagesAsked()).isEqualTo(expectedPages);
        assertThat(watermark.pagesFreed()).isEqualTo(expectedPages);
        assertThat(reclaimer.stats().availableBytes()).isEqualTo(30 * MIB);
        assertThat(reclaimer.stats().limitBytes()).isEqualTo(1000 * MIB);

        meminfo(1000 * MIB, 500 * MIB);
        long next = reclaimer.runDue(clock.addAndGet(250_000_000L));
        assertThat(shrinker.asked).hasSize(1); // above the low watermark: nothing more
        assertThat(next - clock.get()).isEqualTo(250_000_000L);
    }

    @Test
    void aReadingShouldWaitForThePollInterval() throws IOException {
        Path meminfo = meminfo(1000 * MIB, 10 * MIB);
        Shrinkers shrinkers = new Shrinkers();
        FakeShrinker shrinker = new FakeShrinker("fake", 0, 0, 1);
        shrinkers.register(shrinker);
        Reclaimer reclaimer = stoppedReclaimer(shrinkers, meminfo);

        reclaimer.runDue(clock.get());
        reclaimer.runDue(clock.addAndGet(100_000_000L));

        assertThat(shrinker.asked).hasSize(1);
    }

    @Test
    void aVanishedMeminfoShouldBeCountedNotThrown() throws IOException {
        Path meminfo = meminfo(1000 * MIB, 900 * MIB);
        Reclaimer reclaimer = stoppedReclaimer(new Shrinkers(), meminfo);
        Files.delete(meminfo);

        reclaimer.runDue(clock.get());

        assertThat(reclaimer.stats().probeFailures()).isOne();
    }

    @Test
    void aCgroupLimitShouldDriveTheWatermarks() throws IOException {
        Path cgroup = Files.createDirectories(dir.resolve("cg"));
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), 200 * MIB + "\n");
        Files.writeString(cgroup.resolve("memory.usage_in_bytes"), 195 * MIB + "\n");
        Shrinkers shrinkers = new Shrinkers();
        FakeShrinker shrinker = new FakeShrinker("fake", 0, 0, 1);
        shrinkers.register(shrinker);
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).psi(false)
                .procMeminfo(meminfo(24_000 * MIB, 20_000 * MIB)).cgroup(cgroup, false).pageSize(PAGE)
                .nanoClock(clock::get).buildStopped();

        reclaimer.runDue(clock.get());

        assertThat(reclaimer.stats().limitBytes()).isEqualTo(200 * MIB);
        assertThat(reclaimer.stats().watermarks()).contains("cgroup v1");
        assertThat(shrinker.asked).containsExactly((20 * MIB - 5 * MIB) / PAGE);
    }

    @Test
    void aPsiEventShouldAskEveryShrinkerForEverythingPendingFirst() {
        Shrinkers shrinkers = new Shrinkers();
        FakeShrinker pools = new FakeShrinker("fake", Shrinker.DEFAULT_SEEKS, 300, 1);
        FakeShrinker pending = new FakeShrinker("fake", 0, 200, 1);
        shrinkers.register(pools);
        shrinkers.register(pending);
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).psi(false).watermarks(false)
                .nanoClock(clock::get).buildStopped();

        reclaimer.onPsiEvent(clock.get());

        assertThat(pending.lastScan).isLessThan(pools.lastScan);
        ReclaimStats.SourceStats psi = reclaimer.stats().source(PressureSource.PSI);
        assertThat(psi.signals()).isOne();
        assertThat(psi.pagesAsked()).isEqualTo(500);
        assertThat(psi.pagesFreed()).isEqualTo(500);
    }

    @Test
    void aPsiEventShouldWakeTheReclaimThreadAndBeAnswered() throws InterruptedException {
        Shrinkers shrinkers = new Shrinkers();
        FakeShrinker pending = new FakeShrinker("fake", 0, 64, 1);
        shrinkers.register(pending);
        FakeEvents events = new FakeEvents();
        try (Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).watermarks(false).psiEvents(events)
                .threadName("fake-psi").build()) {
            assertThat(reclaimer.stats().psi()).isEqualTo("armed fake");

            events.fire();

            ReclaimStats.SourceStats psi = awaitSignals(reclaimer, PressureSource.PSI, 1);
            assertThat(psi.pagesFreed()).isEqualTo(64);
            assertThat(pending.asked).containsExactly(Long.MAX_VALUE);
        }
        assertThat(events.closed).isTrue();
    }

    @Test
    void aPsiSourceThatIsGoneShouldBeDroppedAndTheThreadGoOn() throws InterruptedException {
        FakeEvents events = new FakeEvents();
        try (Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).watermarks(false).psiEvents(events)
                .threadName("gone-psi").build();
             SystemHeap heap = SystemHeap.builder().name("after-psi").register(false).refillPools(false)
                     .idleDecay(Duration.ofMillis(100)).reclaimer(reclaimer).build()) {
            events.failWith(new IOException("fake: POLLERR"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!reclaimer.stats().psi().startsWith("unavailable") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(reclaimer.stats().psi()).isEqualTo("unavailable: fake: POLLERR");
            assertThat(events.closed).isTrue();

            fillPool(heap, 4, 1 << 20); // decay still ticks without PSI
            awaitSignals(reclaimer, PressureSource.IDLE_DECAY, 1);
            assertThat(reclaimer.stats().threadFailures()).isZero();
        }
    }

    @Test
    void aFileThatIsNotAPsiFileShouldLeaveThePsiMonitorUnavailableWithTheReason() throws IOException {
        Path fake = Files.writeString(dir.resolve("memory.pressure"), "garbage\n");
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psiFile(fake).watermarks(false)
                .buildStopped();
        assertThat(reclaimer.stats().psi()).startsWith("unavailable").contains("not a PSI file");
    }

    @Test
    void aRealPsiTriggerShouldBeArmedAndTornDown() throws InterruptedException {
        Path psi = Path.of("/proc/pressure/memory");
        assumeTrue(Files.exists(psi) && PsiTrigger.isSupported(), "no /proc/pressure/memory or native access here");
        long fdsBefore = openDescriptors();
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psiFile(psi).watermarks(false)
                .threadName("test-reclaim").build();
        try {
            // The reclaim thread arms the trigger when it starts, off the building thread.
            DeferredFreeListTest.awaitTrue(() -> !reclaimer.stats().psi().equals("starting"), "the trigger armed or refused");
            String status = reclaimer.stats().psi();
            if (!status.startsWith("armed")) {
                System.out.println("ReclaimerTest: PSI trigger not armed here: " + status);
            }
            assumeTrue(status.startsWith("armed"), status);
            assertThat(status).contains("some 200000 2000000");
            assertThat(threadNamed("test-reclaim")).isNotNull();
        } finally {
            long start = System.nanoTime();
            reclaimer.close();
            assertThat(System.nanoTime() - start).as("close wakes the poll").isLessThan(2_000_000_000L);
        }
        assertThat(threadNamed("test-reclaim")).isNull();
        assertThat(openDescriptors()).as("the trigger's descriptors are closed").isLessThanOrEqualTo(fdsBefore);
    }

    @Test
    void idleDecayShouldEmptyAnUnusedPoolWithinTwiceTheDecayTimeOnAFakeClock() {
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psi(false).watermarks(false)
                .nanoClock(clock::get).buildStopped();
        try (SystemHeap heap = SystemHeap.builder().name("decay-fake").register(false).refillPools(false)
                .idleDecay(Duration.ofSeconds(10)).reclaimer(reclaimer).build()) {
            fillPool(heap, 64, 64 << 10);
            long pooled = heap.stats().pooledBytes();
            assertThat(pooled).isPositive();

            long previous = pooled;
            long decayNanos = 10_000_000_000L;
            long start = clock.get();
            while (clock.get() - start <= 2 * decayNanos && heap.stats().pooledBytes() > 0) {
                reclaimer.runDue(clock.addAndGet(decayNanos / 10));
                HeapStats stats = heap.stats();
                Zero.assertBalanced(stats);
                assertThat(stats.pooledBytes()).isLessThanOrEqualTo(previous);
                previous = stats.pooledBytes();
            }
            assertThat(heap.stats().pooledBytes()).isZero();
            assertThat(heap.stats().reservedBytes()).isZero();
            assertThat(clock.get() - start).isLessThanOrEqualTo(2 * decayNanos);
            assertThat(reclaimer.stats().source(PressureSource.IDLE_DECAY).pagesFreed()).isEqualTo(pooled / PAGE);
        }
    }

    @Test
    void idleDecayShouldGiveEverythingBackWithNoCalls() throws InterruptedException {
        try (Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psi(false).watermarks(false)
                .threadName("decay-reclaim").build();
             SystemHeap heap = SystemHeap.builder().name("decay-real").register(false).refillPools(false)
                     .idleDecay(Duration.ofMillis(400)).reclaimer(reclaimer).build()) {
            fillPool(heap, 32, 1 << 20);
            assertThat(heap.stats().pooledBytes()).isPositive();

            // The reclaim thread's decay, on the real clock; its timing is checked on a fake clock
            // above, so this waits on the outcome with room for a loaded machine.
            DeferredFreeListTest.awaitTrue(() -> heap.stats().pooledBytes() == 0, "the idle decay gave everything back");
            Zero.assertBalanced(heap.stats());
        }
    }

    @Test
    void buffersClosedWhileTheWorkerIsIdleShouldBeRecycledWithinADecayTick() throws InterruptedException {
        try (Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psi(false).watermarks(false)
                .threadName("seal-reclaim").build();
             SystemHeap heap = SystemHeap.builder().name("seal-on-tick").register(false).refillPools(false)
                     .idleDecay(Duration.ofSeconds(5)).reclaimer(reclaimer).build()) {
            List<HeapBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                buffers.add(heap.allocate(64 << 10));
            }
            Thread.sleep(50); // the worker goes idle with the generation open
            buffers.forEach(HeapBuffer::close);
            assertThat(heap.stats().pendingBytes()).isEqualTo(4 * (64 << 10));

            DeferredFreeListTest.awaitTrue(() -> heap.stats().pendingBytes() == 0, "a decay tick (500 ms) recycled them");
            HeapStats stats = heap.stats();
            assertThat(stats.pendingBytes()).isZero();
            assertThat(stats.frees(FreeReason.NORMAL)).as("recycled, in the shared or the per-CPU pools").isEqualTo(4);
        }
    }

    @Test
    void aBurstUnderTheLowWatermarkShouldReclaimBeforeMappingFreshMemory() throws IOException {
        Path meminfo = meminfo(1000 * MIB, 200 * MIB); // low 50 MiB, high 100 MiB
        Shrinkers shrinkers = new Shrinkers();
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).psi(false).noCgroup()
                .procMeminfo(meminfo).pageSize(PAGE).nanoClock(clock::get).buildStopped();
        try (SystemHeap heap = SystemHeap.builder().name("direct").register(false).refillPools(false)
                .idleDecay(Duration.ZERO).reclaimer(reclaimer).build()) {
            shrinkers.register(heapShrinker(heap));
            fillPool(heap, 24, 1 << 20);
            long pooled = heap.stats().pooledBytes();
            assertThat(pooled).isGreaterThanOrEqualTo(16 * MIB);
            meminfo(1000 * MIB, 60 * MIB);
            reclaimer.runDue(clock.get()); // reads 60 MiB available: above the low watermark
            assertThat(reclaimer.stats().source(PressureSource.DIRECT_RECLAIM).signals()).isZero();

            try (HeapBuffer big = heap.allocate(16 * MIB)) { // a class with nothing pooled: fresh memory
                assertThat(Zero.firstNonZero(big.segment())).isEqualTo(-1);
            }

            ReclaimStats.SourceStats direct = reclaimer.stats().source(PressureSource.DIRECT_RECLAIM);
            assertThat(direct.signals()).isOne();
            assertThat(direct.pagesFreed()).isEqualTo(pooled / PAGE);
            assertThat(reclaimer.stats().source(PressureSource.WATERMARK).signals()).isZero();
        }
    }

    @Test
    void memoryTheOsRefusesShouldBeFoundInOtherHeapsAndTheAllocationRetried() {
        Shrinkers shrinkers = new Shrinkers();
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).psi(false).watermarks(false).buildStopped();
        RefusingSource source = new RefusingSource(1);
        try (SystemHeap other = SystemHeap.builder().name("other").register(false).refillPools(false)
                     .idleDecay(Duration.ZERO).reclaimer(reclaimer).build();
             SystemHeap heap = SystemHeap.builder().name("refused").register(false).memorySource(source)
                     .idleDecay(Duration.ZERO).reclaimer(reclaimer).build()) {
            shrinkers.register(heapShrinker(other));
            fillPool(other, 16, 1 << 20);
            long otherPooled = other.stats().pooledBytes();

            try (HeapBuffer buffer = heap.allocate(1 << 20)) {
                assertThat(Zero.firstNonZero(buffer.segment())).isEqualTo(-1);
            }

            assertThat(source.refusals.get()).isOne();
            assertThat(other.stats().pooledBytes()).isZero();
            ReclaimStats.SourceStats failure = reclaimer.stats().source(PressureSource.ALLOCATION_FAILURE);
            assertThat(failure.signals()).isGreaterThanOrEqualTo(1);
            assertThat(failure.pagesFreed()).isEqualTo(otherPooled / PAGE);
        }
    }

    @Test
    void memoryTheOsAlwaysRefusesShouldFailWithTheOsAnswerAndChangeNothing() {
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psi(false).watermarks(false)
                .buildStopped();
        try (SystemHeap heap = SystemHeap.builder().name("refused-always").register(false)
                .memorySource(new RefusingSource(Integer.MAX_VALUE)).idleDecay(Duration.ZERO)
                .reclaimer(reclaimer).build()) {
            assertThatThrownBy(() -> heap.allocate(1 << 20)).isInstanceOf(HeapOutOfMemoryError.class)
                    .hasMessageContaining("refused-always").hasMessageContaining("the OS refused")
                    .hasMessageContaining("test ENOMEM");
            HeapStats stats = heap.stats();
            assertThat(stats.reservedBytes()).isZero();
            assertThat(stats.allocationFailures()).isOne();
            assertThat(reclaimer.stats().source(PressureSource.ALLOCATION_FAILURE).signals()).isOne();
        }
    }

    @Test
    void shrinkAllShouldBeRecordedAsManual() {
        Shrinkers shrinkers = new Shrinkers();
        shrinkers.register(new FakeShrinker("fake", 0, 42, 1));
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(shrinkers).psi(false).watermarks(false).buildStopped();

        assertThat(reclaimer.shrinkAll()).isEqualTo(42);
        assertThat(reclaimer.stats().source(PressureSource.MANUAL))
                .isEqualTo(new ReclaimStats.SourceStats(1, 42, 42, reclaimer.stats().source(PressureSource.MANUAL)
                        .lastLatencyNanos()));
    }

    @Test
    void badSettingsShouldBeRejectedNamingTheSetting() {
        assertThatThrownBy(() -> Reclaimer.builder().psiThreshold(Duration.ofMillis(50), Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> Reclaimer.builder().psiThreshold(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stall");
        assertThatThrownBy(() -> Reclaimer.builder().watermarks(0.5, 0.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("highFraction");
        assertThatThrownBy(() -> Reclaimer.builder().pollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> SystemHeap.builder().idleDecay(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleDecay");
        assertThatThrownBy(() -> Reclaimer.system().close()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Reclaimer.startSystem(Reclaimer.builder().psi(false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
    }

    @Test
    void heapsShrinkAllShouldEmptyEveryRegisteredHeapAndBeRecordedAsManual() {
        try (SystemHeap heap = SystemHeap.builder().name("shrink-all").idleDecay(Duration.ZERO).build()) {
            fillPool(heap, 8, 1 << 20);
            long manualBefore = Reclaimer.system().stats().source(PressureSource.MANUAL).signals();

            assertThat(Heaps.shrinkAll()).isGreaterThanOrEqualTo(8 * MIB / PAGE);

            assertThat(heap.stats().pooledBytes()).isZero();
            assertThat(Reclaimer.system().stats().source(PressureSource.MANUAL).signals()).isEqualTo(manualBefore + 1);
        }
    }

    // ---- helpers ----

    private Reclaimer stoppedReclaimer(Shrinkers shrinkers, Path meminfo) {
        return Reclaimer.builder().shrinkers(shrinkers).psi(false).noCgroup().procMeminfo(meminfo)
                .pageSize(PAGE).nanoClock(clock::get).buildStopped();
    }

    private Path meminfo(long total, long available) throws IOException {
        return Files.writeString(dir.resolve("meminfo"), "MemTotal:       " + total / 1024 + " kB\n"
                + "MemFree:        1 kB\nMemAvailable:   " + available / 1024 + " kB\n");
    }

    /** Allocates {@code count} buffers of {@code size}, scribbles and frees them, and waits until pooled. */
    static void fillPool(SystemHeap heap, int count, long size) {
        List<HeapBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HeapBuffer buffer = heap.allocate(size);
            buffer.segment().fill((byte) 9);
            buffers.add(buffer);
        }
        buffers.forEach(HeapBuffer::close);
        heap.drain();
    }

    /** A heap seen as one shrinker (its own shrinkers in their order). */
    static Shrinker heapShrinker(Heap heap) {
        return new Shrinker() {
            @Override
            public long count() {
                HeapStats stats = heap.stats();
                return (stats.pooledBytes() + stats.pendingBytes()) / stats.pageSize();
            }

            @Override
            public long scan(long nrToScan) {
                return heap.shrink(nrToScan);
            }
        };
    }

    private static long openDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ReclaimStats.SourceStats awaitSignals(Reclaimer reclaimer, PressureSource source, long signals)
            throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (reclaimer.stats().source(source).signals() < signals && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ReclaimStats.SourceStats stats = reclaimer.stats().source(source);
        assertThat(stats.signals()).as("%s signals within 5 s", source).isGreaterThanOrEqualTo(signals);
        return stats;
    }

    /** Pressure events the test sends by hand. */
    private static final class FakeEvents implements io.zeroheap.pressure.PressureEvents {
        private final java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        volatile boolean closed;

        void fire() {
            queue.add(Boolean.TRUE);
        }

        void failWith(IOException e) {
            queue.add(e);
        }

        @Override
        public boolean await(int timeoutMillis) throws IOException {
            try {
                Object next = queue.poll(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (next instanceof IOException e) {
                    throw e;
                }
                return Boolean.TRUE.equals(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void wakeUp() {
            queue.add(Boolean.FALSE);
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public void close() {
            closed = true;
            queue.add(Boolean.FALSE);
        }
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElse(null);
    }

    /** The platform's memory source, refusing the first {@code refusals} mappings as ENOMEM would. */
    private static final class RefusingSource extends io.zeroheap.os.DelegatingSource {
        private final AtomicInteger left;
        final AtomicInteger refusals = new AtomicInteger();

        RefusingSource(int refusals) {
            super(MemorySource.platformDefault());
            this.left = new AtomicInteger(refusals);
        }

        @Override
        public long map(long byteSize, boolean populate, boolean hugePages) {
            if (left.getAndDecrement() > 0) {
                refusals.incrementAndGet();
                throw new MemoryRefusedException("mmap of " + byteSize + " bytes failed: test ENOMEM");
            }
            return super.map(byteSize, populate, hugePages);
        }

        @Override
        public String name() {
            return "refusing " + super.name();
        }
    }
}
