package io.zeroheap.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zeroheap.FreeReason;
import io.zeroheap.Heap;
import io.zeroheap.HeapStats;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds one zeroheap {@link Heap} to a Micrometer {@link MeterRegistry}. Every meter carries the
 * tag {@code heap=<name>} plus the tags given here; sizes are in bytes (base unit
 * {@code bytes}), counters are totals since the heap was built:
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code zeroheap.memory.used}</td><td>gauge</td><td>{@code state=allocated|pooled|pending}</td>
 *     <td>bytes in use, zeroed in pools, freed and not yet zeroed; the three add up to
 *     {@code zeroheap.memory.reserved}</td></tr>
 * <tr><td>{@code zeroheap.memory.reserved}</td><td>gauge</td><td></td><td>bytes held from the OS</td></tr>
 * <tr><td>{@code zeroheap.memory.max}</td><td>gauge</td><td></td><td>the budget; -1 when none
 *     (as {@code jvm.memory.max})</td></tr>
 * <tr><td>{@code zeroheap.allocations}</td><td>counter</td><td>{@code pool=hit|miss}</td>
 *     <td>chunk allocations served from a pool or not</td></tr>
 * <tr><td>{@code zeroheap.allocation.failures}</td><td>counter</td><td></td>
 *     <td>allocations that threw {@code HeapOutOfMemoryError}</td></tr>
 * <tr><td>{@code zeroheap.frees}</td><td>counter</td><td>{@code reason=normal|under_pressure}</td>
 *     <td>chunks freed (normal: zeroed and pooled or given back; under pressure: given back unzeroed)</td></tr>
 * <tr><td>{@code zeroheap.frees.failed}</td><td>counter</td><td></td><td>frees whose action threw</td></tr>
 * <tr><td>{@code zeroheap.shrunk}</td><td>counter, bytes</td><td></td>
 *     <td>memory given back by shrinks and allocation-time reclaims</td></tr>
 * <tr><td>{@code zeroheap.leaks}</td><td>counter</td><td>{@code kind=buffer|arena}</td>
 *     <td>buffers and arenas found unreachable without a close</td></tr>
 * <tr><td>{@code zeroheap.leaked}</td><td>counter, bytes</td><td></td><td>memory those leaks held, reclaimed</td></tr>
 * </table>
 *
 * <p>Each meter reads a fresh {@link Heap#stats()} snapshot when the registry polls it (a few
 * microseconds: every pool lock is taken briefly), so scraping costs allocations nothing. The
 * meters hold the heap weakly, as Micrometer's binders do; a closed heap keeps reporting its
 * last figures.
 *
 * <p>Thread-safe: {@link #bindTo} may be called from any thread, once per registry.
 */
public final class ZeroheapMetrics implements MeterBinder {

    private final Heap heap;
    private final Tags tags;

    /**
     * Meters for {@code heap}, tagged {@code heap=<name>}.
     *
     * @param heap the heap to watch
     * @throws NullPointerException if {@code heap} is null
     */
    public ZeroheapMetrics(Heap heap) {
        this(heap, Tags.empty());
    }

    /**
     * Meters for {@code heap}, tagged {@code heap=<name>} and {@code tags}.
     *
     * @param heap the heap to watch
     * @param tags tags added to every meter (e.g. the application's)
     * @throws NullPointerException if {@code heap} or {@code tags} is null
     */
    public ZeroheapMetrics(Heap heap, Iterable<Tag> tags) {
        this.heap = Objects.requireNonNull(heap, "heap");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("heap", heap.name());
    }

    /**
     * Registers the meters listed above with {@code registry}.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        memory(registry, "zeroheap.memory.used", "state", "allocated", "Bytes in use by buffers and arenas",
                HeapStats::allocatedBytes);
        memory(registry, "zeroheap.memory.used", "state", "pooled", "Bytes of zeroed chunks ready to hand out",
                HeapStats::pooledBytes);
        memory(registry, "zeroheap.memory.used", "state", "pending", "Bytes freed, not yet zeroed or given back",
                HeapStats::pendingBytes);
        memory(registry, "zeroheap.memory.reserved", null, null, "Bytes held from the OS",
                HeapStats::reservedBytes);
        memory(registry, "zeroheap.memory.max", null, null, "The heap's budget in bytes; -1 when it has none",
                s -> s.maxBytes() == Long.MAX_VALUE ? -1 : s.maxBytes());

        counter(registry, "zeroheap.allocations", "pool", "hit", null, "Allocations served from a pool",
                HeapStats::poolHits);
        counter(registry, "zeroheap.allocations", "pool", "miss", null, "Allocations that found their pool empty",
                HeapStats::poolMisses);
        counter(registry, "zeroheap.allocation.failures", null, null, null,
                "Allocations that failed after reclaiming", HeapStats::allocationFailures);
        counter(registry, "zeroheap.frees", "reason", "normal", null, "Chunks zeroed and pooled, or given back",
                s -> s.frees(FreeReason.NORMAL));
        counter(registry, "zeroheap.frees", "reason", "under_pressure", null, "Chunks given back unzeroed under pressure",
                s -> s.frees(FreeReason.UNDER_PRESSURE));
        counter(registry, "zeroheap.frees.failed", null, null, null, "Frees whose action threw",
                HeapStats::failedFrees);
        counter(registry, "zeroheap.shrunk", null, null, BaseUnits.BYTES,
                "Memory given back by shrinks and allocation-time reclaims", s -> s.shrunkPages() * s.pageSize());
        counter(registry, "zeroheap.leaks", "kind", "buffer", null, "Buffers found unreachable without a close",
                HeapStats::leakedBuffers);
        counter(registry, "zeroheap.leaks", "kind", "arena", null, "Heap arenas found unreachable without a close",
                HeapStats::leakedArenas);
        counter(registry, "zeroheap.leaked", null, null, BaseUnits.BYTES, "Memory held by leaks, reclaimed",
                HeapStats::leakedBytes);
    }

    private void memory(MeterRegistry registry, String name, String tagKey, String tagValue, String description,
                        ToDoubleFunction<HeapStats> figure) {
        Gauge.builder(name, heap, h -> figure.applyAsDouble(h.stats()))
                .tags(tagKey == null ? tags : tags.and(tagKey, tagValue))
                .description(description)
                .baseUnit(BaseUnits.BYTES)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String tagKey, String tagValue, String baseUnit,
                         String description, ToDoubleFunction<HeapStats> figure) {
        FunctionCounter.builder(name, heap, h -> figure.applyAsDouble(h.stats()))
                .tags(tagKey == null ? tags : tags.and(tagKey, tagValue))
                .description(description)
                .baseUnit(baseUnit)
                .register(registry);
    }
}
