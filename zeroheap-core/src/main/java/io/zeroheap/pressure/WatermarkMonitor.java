package io.zeroheap.pressure;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Readings of available memory against {@link Watermarks}, and the estimate between readings
 * that direct reclaim works from: the last reading's available bytes minus what the heaps
 * mapped since (net of what they gave back).
 *
 * <p>Thread-safety: {@link #read} is called by the reclaim thread; the rest from any thread.
 * A reading is published whole through one volatile field, together with the heaps' running
 * total of held bytes at that moment, so an estimate never mixes two readings. A reading older
 * than the staleness limit (readings failing, or the reclaim thread gone) gives no estimate,
 * so a stale one can never keep allocations reclaiming.
 */
public final class WatermarkMonitor {

    private final MemoryProbe probe;
    private final Watermarks watermarks;
    private final long staleNanos;
    /** Net bytes the heaps ever mapped: + on map, - on unmap or purge. */
    private final AtomicLong heldTotal = new AtomicLong();
    /** The last reading; volatile: publishes the record's fields. Null before the first. */
    private volatile Published last;

    /**
     * @param probe      where readings come from
     * @param watermarks when to reclaim and how far
     * @param staleNanos how long a reading stands for the estimate, in nanoseconds
     */
    public WatermarkMonitor(MemoryProbe probe, Watermarks watermarks, long staleNanos) {
        this.probe = probe;
        this.watermarks = watermarks;
        this.staleNanos = staleNanos;
    }

    /**
     * Reads the files and publishes the reading.
     *
     * @param nowNanos the time of the reading ({@code nanoTime} scale)
     * @return the reading
     * @throws IOException if the files cannot be read (the previous reading stays, and goes
     *                     stale)
     */
    public MemoryReading read(long nowNanos) throws IOException {
        long heldBefore = heldTotal.get(); // memory mapped while reading counts against the estimate
        MemoryReading reading = probe.read();
        last = new Published(reading, watermarks.lowBytes(reading), watermarks.highBytes(reading), nowNanos,
                heldBefore);
        return reading;
    }

    /** Returns the bytes to reclaim for a reading: see {@link Watermarks#bytesToReclaim}. */
    public long bytesToReclaim(MemoryReading reading) {
        return watermarks.bytesToReclaim(reading);
    }

    /** A heap's bytes held from the OS changed by {@code delta}; map and unmap paths only. */
    public void heldBytesChanged(long delta) {
        heldTotal.addAndGet(delta);
    }

    /**
     * If mapping {@code bytes} more would leave available memory (as estimated from a fresh
     * reading) under the low watermark, returns what brings it back to the high one; else 0.
     */
    public long bytesToReclaimBeforeMapping(long bytes, long nowNanos) {
        Published p = last;
        if (p == null || nowNanos - p.readAtNanos > staleNanos) {
            return 0;
        }
        long estimate = p.reading.availableBytes() - (heldTotal.get() - p.heldAtReading) - bytes;
        return estimate < p.lowBytes ? p.highBytes - estimate : 0;
    }

    /** Whether the estimate from a fresh reading is under the low watermark now. */
    public boolean underLowWatermark(long nowNanos) {
        return bytesToReclaimBeforeMapping(0, nowNanos) > 0;
    }

    /** Returns the last reading, or null before the first. */
    public MemoryReading lastReading() {
        Published p = last;
        return p == null ? null : p.reading;
    }

    /** Returns the files read and the watermarks, for stats. */
    public String describe() {
        Published p = last;
        return probe.describe() + (p == null ? "" : ", low " + p.lowBytes + " high " + p.highBytes + " bytes");
    }

    private record Published(MemoryReading reading, long lowBytes, long highBytes, long readAtNanos,
                             long heldAtReading) {
    }
}
