package io.zeroheap;

import jdk.jfr.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * zeroheap's JDK Flight Recorder events and the settings that turn them on. All events are
 * disabled by default and sit only on slow paths (never on a pool hit), so they cost nothing
 * measurable until a recording enables them:
 * <ul>
 * <li>{@value #POOL_MISS}: an allocation found its pool empty (heap, requested size, chunk
 *     size, how it was served: {@code self-zeroed}, {@code fresh}, {@code reclaimed} or
 *     {@code failed}); its duration is the slow path's latency.</li>
 * <li>{@value #DEFERRED_FREE_BATCH}: one batch of deferred frees (list, freer, reason, items,
 *     pages, failed items, duration).</li>
 * <li>{@value #SHRINK}: a request for memory back (source, pages asked, pages freed,
 *     duration).</li>
 * <li>{@value #PRESSURE_SIGNAL}: a memory-pressure source reported pressure (source,
 *     detail).</li>
 * <li>{@value #HEAP_STATISTICS}: periodic (1 s in the settings), one per live heap: the
 *     {@link HeapStats} memory figures and main counters.</li>
 * </ul>
 * The settings ship in the jar as {@code io/zeroheap/zeroheap.jfc} (in the source tree under
 * {@code zeroheap-core/src/main/resources}); copy it out for
 * {@code -XX:StartFlightRecording:settings=default,settings=zeroheap.jfc}, or use
 * {@link #configuration()} in code. Thread-safe (stateless).
 */
public final class HeapEvents {

    /** Name of the pool-miss event. */
    public static final String POOL_MISS = "io.zeroheap.PoolMiss";
    /** Name of the deferred-free batch event. */
    public static final String DEFERRED_FREE_BATCH = "io.zeroheap.DeferredFreeBatch";
    /** Name of the shrink event. */
    public static final String SHRINK = "io.zeroheap.Shrink";
    /** Name of the pressure-signal event. */
    public static final String PRESSURE_SIGNAL = "io.zeroheap.PressureSignal";
    /** Name of the periodic heap-statistics event. */
    public static final String HEAP_STATISTICS = "io.zeroheap.HeapStatistics";
    /** Every event name, in the order above. */
    public static final List<String> NAMES =
            List.of(POOL_MISS, DEFERRED_FREE_BATCH, SHRINK, PRESSURE_SIGNAL, HEAP_STATISTICS);

    private static final String SETTINGS_RESOURCE = "zeroheap.jfc";

    private HeapEvents() {
    }

    /**
     * Returns the zeroheap settings ({@code zeroheap.jfc}): every event above enabled, no
     * threshold, heap statistics each second. Pass it to {@code new Recording(...)}, or merge
     * its {@link Configuration#getSettings()} into another configuration's.
     *
     * @throws UncheckedIOException if the settings cannot be read from the jar
     */
    @SuppressWarnings("exports") // callers that use the settings read jdk.jfr themselves, as they must to record
    public static Configuration configuration() {
        try (InputStream in = HeapEvents.class.getResourceAsStream(SETTINGS_RESOURCE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException(
                        "resource io/zeroheap/" + SETTINGS_RESOURCE + " (expected: in the zeroheap-core jar)"));
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Configuration.create(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new UncheckedIOException(new IOException("io/zeroheap/" + SETTINGS_RESOURCE + ": " + e.getMessage(), e));
        }
    }
}
