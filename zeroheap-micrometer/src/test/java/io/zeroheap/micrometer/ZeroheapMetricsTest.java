package io.zeroheap.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zeroheap.HeapBuffer;
import io.zeroheap.LeakDetection;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.assertj.core.api.Assertions.assertThat;

class ZeroheapMetricsTest {

    private static final long MIB = 1 << 20;

    @Test
    void metersShouldFollowTheHeapsStats() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap heap = SystemHeap.builder().name("metrics").register(false).maxBytes(256 * MIB)
                .leakDetection(LeakDetection.OFF).build()) {
            new ZeroheapMetrics(heap, Tags.of("app", "test")).bindTo(registry);
            HeapBuffer held = heap.allocate(MIB);                  // miss
            try (Arena arena = heap.newArena()) {
                arena.allocate(2 * MIB);                            // miss
            }
            heap.drain();
            try (Arena arena = heap.newArena()) {
                arena.allocate(2 * MIB);                            // hit
            }
            heap.drain();

            assertThat(gauge(registry, "zeroheap.memory.used", "state", "allocated")).isEqualTo(MIB);
            double pooled = gauge(registry, "zeroheap.memory.used", "state", "pooled");
            double pending = gauge(registry, "zeroheap.memory.used", "state", "pending");
            assertThat(pooled).isGreaterThanOrEqualTo(2 * MIB);
            assertThat(MIB + pooled + pending).isEqualTo(gauge(registry, "zeroheap.memory.reserved", null, null));
            assertThat(gauge(registry, "zeroheap.memory.max", null, null)).isEqualTo(256 * MIB);
            assertThat(counter(registry, "zeroheap.allocations", "pool", "hit")).isEqualTo(1);
            assertThat(counter(registry, "zeroheap.allocations", "pool", "miss")).isEqualTo(2);
            assertThat(counter(registry, "zeroheap.frees", "reason", "normal")).isEqualTo(2);
            assertThat(counter(registry, "zeroheap.frees", "reason", "under_pressure")).isZero();

            long shrunkPages = heap.shrink(Long.MAX_VALUE);
            assertThat(counter(registry, "zeroheap.shrunk", null, null)).isEqualTo(shrunkPages * heap.stats().pageSize())
                    .isGreaterThanOrEqualTo(2 * MIB);
            assertThat(gauge(registry, "zeroheap.memory.used", "state", "pooled")).isZero();
            assertThat(counter(registry, "zeroheap.leaks", "kind", "buffer")).isZero();
            held.close();
        }
    }

    @Test
    void metersShouldUseMicrometerConventions() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SystemHeap heap = SystemHeap.builder().name("conventions").register(false).build()) {
            new ZeroheapMetrics(heap).bindTo(registry);
            assertThat(registry.getMeters()).hasSize(15).allSatisfy(meter -> {
                Meter.Id id = meter.getId();
                assertThat(id.getName()).startsWith("zeroheap.").matches("[a-z.]+");
                assertThat(id.getTag("heap")).isEqualTo("conventions");
                assertThat(id.getDescription()).isNotBlank();
            });
            assertThat(registry.get("zeroheap.memory.reserved").gauge().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(registry.get("zeroheap.leaked").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(gauge(registry, "zeroheap.memory.max", null, null)).isEqualTo(-1);
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String tagKey, String tagValue) {
        Gauge gauge = tagKey == null ? registry.get(name).gauge() : registry.get(name).tag(tagKey, tagValue).gauge();
        return gauge.value();
    }

    private static double counter(SimpleMeterRegistry registry, String name, String tagKey, String tagValue) {
        FunctionCounter counter = tagKey == null ? registry.get(name).functionCounter()
                : registry.get(name).tag(tagKey, tagValue).functionCounter();
        return counter.count();
    }
}
