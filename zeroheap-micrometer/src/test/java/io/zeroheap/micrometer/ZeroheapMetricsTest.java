package io.zeroheap.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zeroheap.HeapBuffer;
import io.zeroheap.LeakDetection;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ZeroheapMetricsTest {

    private static final long MIB = 1 << 20;

    /**
     * Reads every meter once, as a registry's scrape does: name, then the tag that is neither
     * {@code heap} nor {@code app} if any, e.g. {@code zeroheap.memory.used{state=pooled}}.
     */
    private static Map<String, Double> scrape(MeterRegistry registry) {
        Map<String, Double> values = new HashMap<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            String key = id.getName();
            for (Tag tag : id.getTags()) {
                if (!tag.getKey().equals("heap") && !tag.getKey().equals("app")) {
                    key += "{" + tag.getKey() + "=" + tag.getValue() + "}";
                }
            }
            double value = switch (meter) {
                case Gauge gauge -> gauge.value();
                case FunctionCounter counter -> counter.count();
                default -> throw new AssertionError("unexpected meter " + id);
            };
            assertThat(values.put(key, value)).as("one meter per key: " + key).isNull();
        }
        return values;
    }

    private static double allocated(Map<String, Double> scrape) {
        return scrape.get("zeroheap.memory.used{state=allocated}");
    }

    private static double statesSum(Map<String, Double> scrape) {
        return scrape.get("zeroheap.memory.used{state=allocated}") + scrape.get("zeroheap.memory.used{state=pooled}")
                + scrape.get("zeroheap.memory.used{state=pending}");
    }

    @Test
    void metersShouldFollowTheHeapsStats() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap heap = SystemHeap.builder().name("metrics").register(false).maxBytes(256 * MIB)
                .leakDetection(LeakDetection.OFF).build();
             ZeroheapMetrics metrics = new ZeroheapMetrics(heap, Tags.of("app", "test"))) {
            metrics.bindTo(registry);
            HeapBuffer held = heap.allocate(MIB);                  // miss
            try (Arena arena = heap.newArena()) {
                arena.allocate(2 * MIB);                            // miss
            }
            heap.drain();
            try (Arena arena = heap.newArena()) {
                arena.allocate(2 * MIB);                            // hit
            }
            heap.drain();

            Map<String, Double> scrape = scrape(registry);
            assertThat(allocated(scrape)).isEqualTo(MIB);
            assertThat(scrape.get("zeroheap.memory.used{state=pooled}")).isGreaterThanOrEqualTo(2 * MIB);
            assertThat(statesSum(scrape)).isEqualTo(scrape.get("zeroheap.memory.reserved"));
            assertThat(scrape.get("zeroheap.memory.max")).isEqualTo(256 * MIB);
            assertThat(scrape.get("zeroheap.allocations{pool=hit}")).isEqualTo(1);
            assertThat(scrape.get("zeroheap.allocations{pool=miss}")).isEqualTo(2);
            assertThat(scrape.get("zeroheap.frees{reason=normal}")).isEqualTo(2);
            assertThat(scrape.get("zeroheap.frees{reason=under_pressure}")).isZero();

            long shrunkPages = heap.shrink(Long.MAX_VALUE);
            scrape = scrape(registry);
            assertThat(scrape.get("zeroheap.shrunk")).isEqualTo(shrunkPages * heap.stats().pageSize())
                    .isGreaterThanOrEqualTo(2 * MIB);
            assertThat(scrape.get("zeroheap.memory.used{state=pooled}")).isZero();
            assertThat(scrape.get("zeroheap.leaks{kind=buffer}")).isZero();
            held.close();
        }
    }

    @Test
    void theStateGaugesOfEveryScrapeShouldAddUpToReservedWhileTheHeapIsBusy() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap heap = SystemHeap.builder().name("metrics-busy").register(false)
                .leakDetection(LeakDetection.OFF).build();
             ZeroheapMetrics metrics = new ZeroheapMetrics(heap, Tags.empty(), Long.MAX_VALUE)) {
            metrics.bindTo(registry);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread allocator = Thread.ofPlatform().start(() -> {
                started.countDown();
                for (long i = 0; !stop.get(); i++) {
                    heap.allocate((i % 64 + 1) * 4096).close();
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                for (int i = 0; i < 200; i++) {
                    Map<String, Double> scrape = scrape(registry);
                    assertThat(statesSum(scrape)).as("scrape %d", i).isEqualTo(scrape.get("zeroheap.memory.reserved"));
                }
            } finally {
                stop.set(true);
                allocator.join();
            }
        }
    }

    @Test
    void closeShouldRemoveTheMetersSoThatAHeapOfTheSameNameCanBeBound() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap old = SystemHeap.builder().name("metrics-replaced").register(false).build()) {
            ZeroheapMetrics metrics = new ZeroheapMetrics(old);
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).hasSize(15);
            metrics.close();
            assertThat(registry.getMeters()).isEmpty();
            metrics.close(); // a second close does nothing
        }
        try (SystemHeap heap = SystemHeap.builder().name("metrics-replaced").register(false).build();
             ZeroheapMetrics metrics = new ZeroheapMetrics(heap);
             HeapBuffer buffer = heap.allocate(MIB)) {
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).hasSize(15);
            assertThat(allocated(scrape(registry))).isEqualTo(MIB);
            assertThat(buffer.refCount()).isOne();
        }
    }

    @Test
    void metersShouldUseMicrometerConventions() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap heap = SystemHeap.builder().name("conventions").register(false).build();
             ZeroheapMetrics metrics = new ZeroheapMetrics(heap)) {
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).hasSize(15).allSatisfy(meter -> {
                Meter.Id id = meter.getId();
                assertThat(id.getName()).startsWith("zeroheap.").matches("[a-z.]+");
                assertThat(id.getTag("heap")).isEqualTo("conventions");
                assertThat(id.getDescription()).isNotBlank();
            });
            assertThat(registry.get("zeroheap.memory.reserved").gauge().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(registry.get("zeroheap.leaked").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(scrape(registry).get("zeroheap.memory.max")).isEqualTo(-1);
        }
    }
}
