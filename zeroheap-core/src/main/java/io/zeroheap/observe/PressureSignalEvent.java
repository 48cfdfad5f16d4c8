package io.zeroheap.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A memory-pressure source said the machine is short of memory (an instant event). Emitted by
 * pressure sources through {@link Events#pressureSignal}.
 */
@Name(PressureSignalEvent.NAME)
@Label("Pressure Signal")
@Category({"zeroheap"})
@Description("A memory-pressure source reported pressure: which source, and what it saw")
@Enabled(false)
@StackTrace(false)
public final class PressureSignalEvent extends Event {

    /** The event's JFR name. */
    public static final String NAME = "io.zeroheap.PressureSignal";

    @Label("Source")
    @Description("The pressure source, e.g. PSI, cgroup memory.events, GC")
    String source;

    @Label("Detail")
    @Description("What the source saw, e.g. 'some avg10=12.5' or 'memory.high events 3 -> 4'")
    String detail;
}
