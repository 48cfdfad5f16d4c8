package io.zeroheap;

import io.zeroheap.observe.Events;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records zeroheap's JFR events with the shipped settings and reads them back. */
class HeapEventsTest {

    private static final long MIB = 1 << 20;

    @Test
    void shippedSettingsShouldEnableEveryEvent() {
        Map<String, String> settings = HeapEvents.configuration().getSettings();
        for (String name : HeapEvents.NAMES) {
            assertThat(settings).containsEntry(name + "#enabled", "true");
        }
        assertThat(settings).containsEntry(HeapEvents.HEAP_STATISTICS + "#period", "1 s");
    }

    @Test
    void shouldRecordMissesBatchesShrinksPressureAndStatistics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zeroheap.jfr");
        long shrunk;
        try (Recording recording = new Recording(HeapEvents.configuration());
             SystemHeap heap = SystemHeap.builder().name("jfr-test").register(false).build()) {
            // Emitted at the end of the recording's chunk, so the test need not wait a period.
            recording.enable(HeapEvents.HEAP_STATISTICS).with("period", "endChunk");
            recording.start();
            HeapBuffer held = heap.allocate(MIB);            // a miss: fresh memory
            for (int i = 0; i < 8; i++) {                     // (buffers would wait for held's generation)
                try (Arena arena = heap.newArena()) {
                    arena.allocate(100_000);
                }
            }
            heap.drain();                                     // a batch freed by drain() or the worker
            shrunk = heap.shrink(Long.MAX_VALUE);
            Events.pressureSignal("test-source", "some avg10=12.50");
            recording.stop();
            recording.dump(file);
            held.close();
        }
        Map<String, List<RecordedEvent>> byName = RecordingFile.readAllEvents(file).stream()
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));

        List<RecordedEvent> misses = byName.get(HeapEvents.POOL_MISS);
        assertThat(misses).anySatisfy(e -> {
            assertThat(e.getString("heap")).isEqualTo("jfr-test");
            assertThat(e.getLong("byteSize")).isEqualTo(MIB);
            assertThat(e.getLong("chunkByteSize")).isEqualTo(MIB);
            assertThat(e.getString("servedBy")).isEqualTo("fresh");
            assertThat(e.getDuration()).isPositive();
        });

        // The worker may take the arenas' chunks and commit its batch after the recording stopped;
        // the batch test below pins down who frees what.
        assertThat(shrunk).isPositive();
        assertThat(byName.get(HeapEvents.SHRINK)).anySatisfy(e -> {
            assertThat(e.getString("heap")).isEqualTo("jfr-test");
            assertThat(e.getString("source")).isEqualTo("shrink()");
            assertThat(e.getLong("pagesAsked")).isEqualTo(Long.MAX_VALUE);
            assertThat(e.getLong("pagesFreed")).isEqualTo(shrunk);
        });

        assertThat(byName.get(HeapEvents.PRESSURE_SIGNAL)).singleElement().satisfies(e -> {
            assertThat(e.getString("source")).isEqualTo("test-source");
            assertThat(e.getString("detail")).isEqualTo("some avg10=12.50");
        });

        assertThat(byName.get(HeapEvents.HEAP_STATISTICS)).anySatisfy(e -> {
            assertThat(e.getString("heap")).isEqualTo("jfr-test");
            assertThat(e.getLong("allocatedBytes")).isEqualTo(MIB);
            assertThat(e.getLong("allocatedBytes") + e.getLong("pooledBytes") + e.getLong("pendingBytes"))
                    .isEqualTo(e.getLong("reservedBytes"));
            assertThat(e.getLong("poolMisses")).isPositive();
            assertThat(e.getLong("maxBytes")).isEqualTo(Long.MAX_VALUE);
        });
    }

    @Test
    void aFailedAllocationShouldShowItsReclaimAndItsMiss(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("failure.jfr");
        try (Recording recording = new Recording(HeapEvents.configuration());
             SystemHeap heap = SystemHeap.builder().name("jfr-budget").register(false).maxBytes(4 * MIB).build()) {
            recording.start();
            HeapBuffer held = heap.allocate(3 * MIB);
            assertThatThrownBy(() -> heap.allocate(3 * MIB)).isInstanceOf(HeapOutOfMemoryError.class);
            recording.stop();
            recording.dump(file);
            held.close();
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals(HeapEvents.POOL_MISS))
                .filteredOn(e -> e.getString("servedBy").equals("failed"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("heap")).isEqualTo("jfr-budget");
                    assertThat(e.getLong("byteSize")).isEqualTo(3 * MIB);
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals(HeapEvents.SHRINK))
                .filteredOn(e -> "jfr-budget".equals(e.getString("heap")))
                .hasSize(2) // what brings it under budget, then everything
                .allSatisfy(e -> assertThat(e.getString("source")).isEqualTo("allocation"));
    }

    @Test
    void heapStatisticsShouldCoverLiveHeapsOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("statistics.jfr");
        try (Recording recording = new Recording();
             SystemHeap live = SystemHeap.builder().name("jfr-live").register(false).build()) {
            recording.enable(HeapEvents.HEAP_STATISTICS).with("period", "endChunk");
            SystemHeap.builder().name("jfr-closed").register(false).build().close();
            HeapBuffer buffer = live.allocate(8192);
            recording.start();
            recording.stop();
            recording.dump(file);
            buffer.close();
        }
        List<String> heaps = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(HeapEvents.HEAP_STATISTICS))
                .map(e -> e.getString("heap")).toList();
        assertThat(heaps).contains("jfr-live").doesNotContain("jfr-closed");
    }

    @Test
    void batchesShouldNameTheirListFreerReasonItemsAndPages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("batch.jfr");
        DeferredFreeList list = DeferredFreeList.builder().workerName("jfr-batch").build();
        try (Recording recording = new Recording()) {
            recording.enable(HeapEvents.DEFERRED_FREE_BATCH);
            recording.start();
            try (WorkerGate gate = WorkerGate.holdWorker(list)) { // the worker is held: this thread frees
                for (int i = 0; i < 3; i++) {
                    list.defer(new RecordingItem(4));
                }
                assertThat(list.help(12)).isEqualTo(12);
                list.defer(new RecordingItem(5));
                assertThat(list.scan(1)).isEqualTo(5);
            }
            recording.stop();
            recording.dump(file);
        } finally {
            list.close();
        }
        List<RecordedEvent> batches = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(HeapEvents.DEFERRED_FREE_BATCH))
                .filter(e -> !e.getString("freer").equals("worker"))
                .toList();
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).satisfies(e -> {
            assertThat(e.getString("list")).isEqualTo("jfr-batch");
            assertThat(e.getString("freer")).isEqualTo("helper");
            assertThat(e.getString("reason")).isEqualTo("NORMAL");
            assertThat(e.getLong("items")).isEqualTo(3);
            assertThat(e.getLong("nrPages")).isEqualTo(12);
            assertThat(e.getLong("failedItems")).isZero();
            assertThat(e.getThread().getJavaName()).isEqualTo(Thread.currentThread().getName());
        });
        assertThat(batches.get(1)).satisfies(e -> {
            assertThat(e.getString("freer")).isEqualTo("shrinker");
            assertThat(e.getString("reason")).isEqualTo("UNDER_PRESSURE");
            assertThat(e.getLong("items")).isEqualTo(1);
            assertThat(e.getLong("nrPages")).isEqualTo(5);
        });
    }

    @Test
    void theReclaimerShouldSignalPressureWhenAReadingIsUnderTheLowWatermark(@TempDir Path dir) throws Exception {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       " + 1000 * MIB / 1024 + " kB\n"
                + "MemFree:        1 kB\nMemAvailable:   " + 30 * MIB / 1024 + " kB\n");
        Path file = dir.resolve("pressure.jfr");
        long now = 1_000_000_000L;
        Reclaimer reclaimer = Reclaimer.builder().shrinkers(new Shrinkers()).psi(false).noCgroup()
                .procMeminfo(meminfo).pageSize(4096).nanoClock(() -> now).buildStopped();
        try (Recording recording = new Recording()) {
            recording.enable(HeapEvents.PRESSURE_SIGNAL);
            recording.start();
            reclaimer.runDue(now);
            recording.stop();
            recording.dump(file);
        }
        long askedPages = (100 * MIB - 30 * MIB) / 4096; // up to the high watermark, 10% of total
        assertThat(RecordingFile.readAllEvents(file))
                .filteredOn(e -> e.getEventType().getName().equals(HeapEvents.PRESSURE_SIGNAL))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("source")).isEqualTo("WATERMARK");
                    assertThat(e.getString("detail")).isEqualTo("asked " + askedPages + " pages, freed 0; available "
                            + 30 * MIB + " bytes of limit " + 1000 * MIB);
                });
    }

    @Test
    void eventsShouldBeOffWithoutARecordingThatEnablesThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording();        // no settings: zeroheap events stay off
             SystemHeap heap = SystemHeap.builder().name("jfr-off").register(false).build()) {
            recording.enable("jdk.ThreadStart");
            recording.start();
            heap.allocate(MIB).close();
            heap.drain();
            heap.shrink(Long.MAX_VALUE);
            recording.stop();
            recording.dump(file);
        }
        assertThat(RecordingFile.readAllEvents(file))
                .noneMatch(e -> e.getEventType().getName().startsWith("io.zeroheap."));
    }
}
