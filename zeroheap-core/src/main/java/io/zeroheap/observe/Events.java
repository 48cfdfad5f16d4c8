package io.zeroheap.observe;

import jdk.jfr.FlightRecorder;

/**
 * The one entry to zeroheap's JFR events from the rest of the library: begins and commits
 * them, so no event class is touched (not even loaded) until JFR is initialized in the
 * process. Loading the first event class makes JFR set up its metadata (50-100 ms here), which
 * a process that never records should not pay on its first allocation miss.
 *
 * <p>Pattern: {@code var event = Events.startPoolMiss(); ...; Events.poolMiss(event, ...)};
 * {@code start*} returns null while JFR is not initialized, and the commit methods accept
 * null. Field values are computed only when the event will be committed. Thread-safe
 * (stateless; each event object belongs to the thread that started it).
 */
public final class Events {

    private Events() {
    }

    /** Whether JFR is initialized in this process (a recording was made or is running). */
    private static boolean jfrUp() {
        return FlightRecorder.isInitialized();
    }

    /** Begins a pool-miss event; null while JFR is not initialized. */
    public static PoolMissEvent startPoolMiss() {
        if (!jfrUp()) {
            return null;
        }
        PoolMissEvent event = new PoolMissEvent();
        event.begin();
        return event;
    }

    /** Ends and commits a pool-miss event (may be null) if enabled and over its threshold. */
    public static void poolMiss(PoolMissEvent event, String heap, long byteSize, long chunkByteSize, String servedBy) {
        if (event == null) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            event.heap = heap;
            event.byteSize = byteSize;
            event.chunkByteSize = chunkByteSize;
            event.servedBy = servedBy;
            event.commit();
        }
    }

    /** Begins a deferred-free batch event; null while JFR is not initialized. */
    public static DeferredFreeBatchEvent startDeferredFreeBatch() {
        if (!jfrUp()) {
            return null;
        }
        DeferredFreeBatchEvent event = new DeferredFreeBatchEvent();
        event.begin();
        return event;
    }

    /** Ends and commits a batch event (may be null) if enabled and the batch freed or failed anything. */
    public static void deferredFreeBatch(DeferredFreeBatchEvent event, String list, String freer, String reason,
                                         long items, long nrPages, long failedItems) {
        if (event == null || items + failedItems == 0) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            event.list = list;
            event.freer = freer;
            event.reason = reason;
            event.items = items;
            event.nrPages = nrPages;
            event.failedItems = failedItems;
            event.commit();
        }
    }

    /** Begins a shrink event; null while JFR is not initialized. */
    public static ShrinkEvent startShrink() {
        if (!jfrUp()) {
            return null;
        }
        ShrinkEvent event = new ShrinkEvent();
        event.begin();
        return event;
    }

    /** Ends and commits a shrink event (may be null) if enabled and over its threshold. */
    public static void shrink(ShrinkEvent event, String heap, String source, long pagesAsked, long pagesFreed) {
        if (event == null) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            event.heap = heap;
            event.source = source;
            event.pagesAsked = pagesAsked;
            event.pagesFreed = pagesFreed;
            event.commit();
        }
    }

    /**
     * Returns whether the pressure-signal event is enabled in a running recording, so a
     * pressure source can skip building an expensive detail when it is not.
     */
    public static boolean pressureSignalEnabled() {
        return jfrUp() && new PressureSignalEvent().isEnabled();
    }

    /**
     * Commits a pressure-signal event (instant) if enabled: {@code source} is the pressure
     * source (e.g. {@code PSI}, {@code WATERMARK}), {@code detail} what it saw.
     */
    public static void pressureSignal(String source, String detail) {
        if (!jfrUp()) {
            return;
        }
        PressureSignalEvent event = new PressureSignalEvent();
        if (event.shouldCommit()) {
            event.source = source;
            event.detail = detail;
            event.commit();
        }
    }
}
