package io.zeroheap.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One request for memory back: a heap's shrink or reclaim, or a walk of the shrinker registry. */
@Name(ShrinkEvent.NAME)
@Label("Shrink")
@Category({"zeroheap"})
@Description("A request to give memory back: who asked, pages asked, pages freed, how long")
@Enabled(false)
@StackTrace(false)
public final class ShrinkEvent extends Event {

    /** The event's JFR name. */
    public static final String NAME = "io.zeroheap.Shrink";

    @Label("Heap")
    @Description("The heap that was asked; empty for a walk of a shrinker registry")
    String heap;

    @Label("Source")
    @Description("Who asked: shrink() (a user or JMX), allocation (at the budget), Shrinkers.system()")
    String source;

    @Label("Pages Asked")
    long pagesAsked;

    @Label("Pages Freed")
    long pagesFreed;
}
