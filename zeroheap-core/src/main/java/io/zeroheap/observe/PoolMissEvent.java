package io.zeroheap.observe;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * An allocation that found its size class's pool empty and took the slow path; its duration
 * is the slow path's latency. Committed by the allocating thread.
 */
@Name(PoolMissEvent.NAME)
@Label("Pool Miss")
@Category({"zeroheap"})
@Description("An allocation that found its pool empty: how it was served and how long it took")
@Enabled(false)
@StackTrace(false)
public final class PoolMissEvent extends Event {

    /** The event's JFR name. */
    public static final String NAME = "io.zeroheap.PoolMiss";
    /** Served by zeroing a pending chunk of its class on the allocating thread. */
    public static final String SELF_ZEROED = "self-zeroed";
    /** Served by fresh memory from the OS. */
    public static final String FRESH = "fresh";
    /** Served after reclaiming memory at the budget or because the OS refused. */
    public static final String RECLAIMED = "reclaimed";
    /** Not served: the allocation threw {@code HeapOutOfMemoryError}. */
    public static final String FAILED = "failed";

    @Label("Heap")
    String heap;

    @Label("Requested Size")
    @DataAmount
    long byteSize;

    @Label("Chunk Size")
    @Description("The size class that serves the request; the request rounded to pages for huge chunks")
    @DataAmount
    long chunkByteSize;

    @Label("Served By")
    @Description("self-zeroed, fresh, reclaimed or failed")
    String servedBy;
}
