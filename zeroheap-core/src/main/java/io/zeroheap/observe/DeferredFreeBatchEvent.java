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
 * One batch of deferred frees run by one thread: the worker emptying the list, an allocation
 * helping, a drain or a shrinker's scan. Committed by the thread that ran the batch.
 */
@Name(DeferredFreeBatchEvent.NAME)
@Label("Deferred Free Batch")
@Category({"zeroheap"})
@Description("Items freed in one go from a deferred free list: how many, how many pages, why and how long")
@Enabled(false)
@StackTrace(false)
public final class DeferredFreeBatchEvent extends Event {

    /** The event's JFR name. */
    public static final String NAME = "io.zeroheap.DeferredFreeBatch";

    @Label("List")
    @Description("The deferred free list's worker name")
    String list;

    @Label("Freer")
    @Description("worker, helper, drain or shrinker")
    String freer;

    @Label("Reason")
    @Description("NORMAL (zeroed and pooled) or UNDER_PRESSURE (given back to the OS)")
    String reason;

    @Label("Items")
    long items;

    @Label("Pages")
    long nrPages;

    @Label("Failed Items")
    long failedItems;
}
