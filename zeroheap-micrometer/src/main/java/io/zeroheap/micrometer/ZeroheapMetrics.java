package io.zeroheap.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zeroheap.FreeReason;
import io.zeroheap.Heap;
import io.zeroheap.HeapStats;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 * <p><b>One snapshot per scrape.</b> The meters bound to one registry share a
 * {@link Heap#stats()} snapshot (a few microseconds: every pool lock is taken briefly, so
 * scraping costs allocations nothing): a meter takes a new one when it is read a second time
 * since the last snapshot was taken, or when that snapshot is older than
 * {@value #SNAPSHOT_MAX_AGE_MILLIS} ms. A scrape reads each meter once, so all its figures come
 * from one snapshot and the {@code state} gauges add up to {@code zeroheap.memory.reserved};
 * the next scrape starts a new snapshot with its first read.
 *
 * <p>The meters hold the heap weakly, as Micrometer's binders do; a closed heap keeps reporting
 * its last figures until {@link #close()} removes its meters.
 *
 * <p>Thread-safe: {@link #bindTo} and {@link #close} may be called from any thread;
 * bind once per registry.
 */
@SuppressWarnings("exports") // micrometer.core is automatic, so users read it themselves (see module-info)
public final class ZeroheapMetrics implements MeterBinder, AutoCloseable {

    /** How long a snapshot serves the meters of a scrape that have not read it yet. */
    static final long SNAPSHOT_MAX_AGE_MILLIS = 1000;

    private final Heap heap;
    private final Tags tags;
    /** The meters bound so far, by registry; guarded by this. */
    private final Map<MeterRegistry, List<Meter>> bound = new IdentityHashMap<>();
    private final long snapshotMaxAgeNanos;
    /** Guarded by this. */
    private boolean closed;

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
        this(heap, tags, TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_MAX_AGE_MILLIS));
    }

    /** As the public constructor, with the snapshot's maximum age; for tests. */
    ZeroheapMetrics(Heap heap, Iterable<Tag> tags, long snapshotMaxAgeNanos) {
        this.heap = Objects.requireNonNull(heap, "heap");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("heap", heap.name());
        this.snapshotMaxAgeNanos = snapshotMaxAgeNanos;
    }

    /**
     * Registers the meters listed above with {@code registry}.
     *
     * @throws NullPointerException  if {@code registry} is null
     * @throws IllegalStateException if this binder is closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Snapshots snapshots = new Snapshots(snapshotMaxAgeNanos);
        List<Meter> meters = new ArrayList<>();
        memory(registry, snapshots, meters, "zeroheap.memory.used", "state", "allocated",
                "Bytes in use by buffers and arenas", HeapStats::allocatedBytes);
        memory(registry, snapshots, meters, "zeroheap.memory.used", "state", "pooled",
                "Bytes of zeroed chunks ready to hand out", HeapStats::pooledBytes);
        memory(registry, snapshots, meters, "zeroheap.memory.used", "state", "pending",
                "Bytes freed, not yet zeroed or given back", HeapStats::pendingBytes);
        memory(registry, snapshots, meters, "zeroheap.memory.reserved", null, null, "Bytes held from the OS",
                HeapStats::reservedBytes);
        memory(registry, snapshots, meters, "zeroheap.memory.max", null, null,
                "The heap's budget in bytes; -1 when it has none", s -> s.maxBytes() == Long.MAX_VALUE ? -1 : s.maxBytes());

        counter(registry, snapshots, meters, "zeroheap.allocations", "pool", "hit", null,
                "Allocations served from a pool", HeapStats::poolHits);
        counter(registry, snapshots, meters, "zeroheap.allocations", "pool", "miss", null,
                "Allocations that found their pool empty", HeapStats::poolMisses);
        counter(registry, snapshots, meters, "zeroheap.allocation.failures", null, null, null,
                "Allocations that failed after reclaiming", HeapStats::allocationFailures);
        counter(registry, snapshots, meters, "zeroheap.frees", "reason", "normal", null,
                "Chunks zeroed and pooled, or given back", s -> s.frees(FreeReason.NORMAL));
        counter(registry, snapshots, meters, "zeroheap.frees", "reason", "under_pressure", null,
                "Chunks given back unzeroed under pressure", s -> s.frees(FreeReason.UNDER_PRESSURE));
        counter(registry, snapshots, meters, "zeroheap.frees.failed", null, null, null, "Frees whose action threw",
                HeapStats::failedFrees);
        counter(registry, snapshots, meters, "zeroheap.shrunk", null, null, BaseUnits.BYTES,
                "Memory given back by shrinks and allocation-time reclaims", s -> s.shrunkPages() * s.pageSize());
        counter(registry, snapshots, meters, "zeroheap.leaks", "kind", "buffer", null,
                "Buffers found unreachable without a close", HeapStats::leakedBuffers);
        counter(registry, snapshots, meters, "zeroheap.leaks", "kind", "arena", null,
                "Heap arenas found unreachable without a close", HeapStats::leakedArenas);
        counter(registry, snapshots, meters, "zeroheap.leaked", null, null, BaseUnits.BYTES,
                "Memory held by leaks, reclaimed", HeapStats::leakedBytes);
        synchronized (this) {
            if (closed) {
                meters.forEach(registry::remove);
                throw new IllegalStateException("ZeroheapMetrics of heap '" + heap.name() + "' is closed");
            }
            bound.computeIfAbsent(registry, r -> new ArrayList<>()).addAll(meters);
        }
    }

    /**
     * Removes every meter this binder registered from its registry; a second close does
     * nothing. Bind a new {@code ZeroheapMetrics} for a heap that replaces a closed one of the
     * same name: until its old meters are removed, the registry keeps returning them (meters of
     * the same name and tags are registered once).
     */
    @Override
    public void close() {
        Map<MeterRegistry, List<Meter>> meters;
        synchronized (this) {
            closed = true;
            meters = Map.copyOf(bound);
            bound.clear();
        }
        meters.forEach((registry, list) -> list.forEach(registry::remove));
    }

    private void memory(MeterRegistry registry, Snapshots snapshots, List<Meter> meters, String name, String tagKey,
                        String tagValue, String description, ToDoubleFunction<HeapStats> figure) {
        int meter = meters.size();
        meters.add(Gauge.builder(name, heap, h -> figure.applyAsDouble(snapshots.stats(h, meter)))
                .tags(tagKey == null ? tags : tags.and(tagKey, tagValue))
                .description(description)
                .baseUnit(BaseUnits.BYTES)
                .register(registry));
    }

    private void counter(MeterRegistry registry, Snapshots snapshots, List<Meter> meters, String name, String tagKey,
                         String tagValue, String baseUnit, String description, ToDoubleFunction<HeapStats> figure) {
        int meter = meters.size();
        meters.add(FunctionCounter.builder(name, heap, h -> figure.applyAsDouble(snapshots.stats(h, meter)))
                .tags(tagKey == null ? tags : tags.and(tagKey, tagValue))
                .description(description)
                .baseUnit(baseUnit)
                .register(registry));
    }

    /**
     * The snapshot the meters of one registry share (see the class comment). Holds no heap.
     * Thread-safe: one lock, taken once per meter read.
     */
    private static final class Snapshots {
        private final long maxAgeNanos;
        private HeapStats current;
        private long takenNanos;
        /** Bit i: meter i read {@code current} already. */
        private long readBy;

        Snapshots(long maxAgeNanos) {
            this.maxAgeNanos = maxAgeNanos;
        }

        synchronized HeapStats stats(Heap heap, int meter) {
            long bit = 1L << meter;
            long now = System.nanoTime();
            if (current == null || (readBy & bit) != 0
                    || now - takenNanos > maxAgeNanos) {
                current = heap.stats();
                takenNanos = now;
                readBy = 0;
            }
            readBy |= bit;
            return current;
        }
    }
}
