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
 * pressure sources through {@link #emit}.
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

    /**
     * Returns whether the event is enabled in a running recording, so a caller can skip
     * building an expensive {@code detail} when it is not. Any thread.
     */
    public static boolean enabled() {
        return new PressureSignalEvent().isEnabled();
    }

    /**
     * Commits a pressure signal if the event is enabled; cheap and allocation-free when it is
     * not (the strings are the caller's). Any thread.
     */
    public static void emit(String source, String detail) {
        PressureSignalEvent event = new PressureSignalEvent();
        if (event.isEnabled()) {
            event.source = source;
            event.detail = detail;
            event.commit();
        }
    }
}
