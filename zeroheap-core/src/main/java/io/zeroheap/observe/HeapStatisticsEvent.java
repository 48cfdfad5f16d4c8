package io.zeroheap.observe;

import io.zeroheap.HeapStats;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * A periodic snapshot of one live heap (like {@code jdk.DirectBufferStatistics}): one event per
 * live heap and period, emitted by {@link HeapStatisticsPeriodic} on JFR's periodic thread.
 */
@Name(HeapStatisticsEvent.NAME)
@Label("Heap Statistics")
@Category({"zeroheap"})
@Description("Memory and counters of one zeroheap heap")
@Enabled(false)
@StackTrace(false)
@Period("1 s")
public final class HeapStatisticsEvent extends Event {

    /** The event's JFR name. */
    public static final String NAME = "io.zeroheap.HeapStatistics";

    @Label("Heap")
    String heap;

    @Label("Allocated")
    @Description("Bytes of chunks in use by buffers and arenas")
    @DataAmount
    long allocatedBytes;

    @Label("Pooled")
    @Description("Bytes of zeroed chunks ready to hand out")
    @DataAmount
    long pooledBytes;

    @Label("Pending")
    @Description("Bytes freed by their users, not yet zeroed or given back")
    @DataAmount
    long pendingBytes;

    @Label("Reserved")
    @Description("Bytes held from the OS (allocated + pooled + pending)")
    @DataAmount
    long reservedBytes;

    @Label("Maximum")
    @Description("The heap's budget; Long.MAX_VALUE for none")
    @DataAmount
    long maxBytes;

    @Label("Pool Hits")
    long poolHits;

    @Label("Pool Misses")
    long poolMisses;

    @Label("Normal Frees")
    long normalFrees;

    @Label("Pressure Frees")
    long pressureFrees;

    @Label("Failed Frees")
    long failedFrees;

    @Label("Shrunk Pages")
    long shrunkPages;

    @Label("Leaked Buffers")
    long leakedBuffers;

    @Label("Leaked Arenas")
    long leakedArenas;

    @Label("Leaked")
    @DataAmount
    long leakedBytes;

    /** Commits one event for {@code stats} (the periodic hook has checked the event is enabled). */
    static void commit(HeapStats stats) {
        HeapStatisticsEvent event = new HeapStatisticsEvent();
        event.heap = stats.heapName();
        event.allocatedBytes = stats.allocatedBytes();
        event.pooledBytes = stats.pooledBytes();
        event.pendingBytes = stats.pendingBytes();
        event.reservedBytes = stats.reservedBytes();
        event.maxBytes = stats.maxBytes();
        event.poolHits = stats.poolHits();
        event.poolMisses = stats.poolMisses();
        event.normalFrees = stats.zeroedFrees() + stats.releasedFrees();
        event.pressureFrees = stats.pressureFrees();
        event.failedFrees = stats.failedFrees();
        event.shrunkPages = stats.shrunkPages();
        event.leakedBuffers = stats.leakedBuffers();
        event.leakedArenas = stats.leakedArenas();
        event.leakedBytes = stats.leakedBytes();
        event.commit();
    }
}
