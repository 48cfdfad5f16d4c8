package io.zeroheap.observe;

import io.zeroheap.HeapStats;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The live heaps that the periodic {@link HeapStatisticsEvent} reports on. A heap adds itself
 * when built and removes itself when closed. The periodic hook is registered with JFR when
 * JFR is initialized (at once if it already is), so a process that never records pays
 * nothing for it beyond one listener.
 *
 * <p>Thread-safe: the set is concurrent; JFR calls the hook on its own periodic thread.
 */
public final class HeapStatisticsPeriodic {

    private static final Set<Supplier<HeapStats>> LIVE = ConcurrentHashMap.newKeySet();

    static {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                FlightRecorder.addPeriodicEvent(HeapStatisticsEvent.class, HeapStatisticsPeriodic::emit);
            }
        });
    }

    private HeapStatisticsPeriodic() {
    }

    /**
     * Reports on {@code heapStats} from now on, until {@link #remove}; call when a heap is built.
     *
     * @return {@code heapStats}, the key to pass to {@link #remove}
     */
    public static Supplier<HeapStats> add(Supplier<HeapStats> heapStats) {
        LIVE.add(heapStats);
        return heapStats;
    }

    /** Stops reporting on a heap; call when it is closed. */
    public static void remove(Supplier<HeapStats> heapStats) {
        LIVE.remove(heapStats);
    }

    private static void emit() {
        for (Supplier<HeapStats> heap : LIVE) {
            HeapStatisticsEvent.commit(heap.get());
        }
    }
}
