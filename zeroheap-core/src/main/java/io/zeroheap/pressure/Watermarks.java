package io.zeroheap.pressure;

/**
 * The kswapd rule: when available memory falls below the low watermark, reclaim until it is
 * above the high one. Watermarks are shares of the limit ({@link MemoryReading#limitBytes()}).
 *
 * @param lowFraction  share of the limit under which reclaim starts, in (0, 1)
 * @param highFraction share of the limit that reclaim brings available memory back to,
 *                     in [lowFraction, 1)
 */
public record Watermarks(double lowFraction, double highFraction) {

    /**
     * @throws IllegalArgumentException if a share is outside (0, 1) or high is below low
     */
    public Watermarks {
        if (!(lowFraction > 0 && lowFraction < 1)) {
            throw new IllegalArgumentException("lowFraction: " + lowFraction + " (expected: in (0, 1))");
        }
        if (!(highFraction >= lowFraction && highFraction < 1)) {
            throw new IllegalArgumentException("highFraction: " + highFraction
                    + " (expected: in [lowFraction " + lowFraction + ", 1))");
        }
    }

    /** Returns the low watermark in bytes for a reading. */
    public long lowBytes(MemoryReading reading) {
        return (long) (reading.limitBytes() * lowFraction);
    }

    /** Returns the high watermark in bytes for a reading. */
    public long highBytes(MemoryReading reading) {
        return (long) (reading.limitBytes() * highFraction);
    }

    /**
     * Returns the bytes to reclaim: 0 while available memory is at or above the low watermark,
     * else what brings it up to the high watermark.
     */
    public long bytesToReclaim(MemoryReading reading) {
        if (reading.availableBytes() >= lowBytes(reading)) {
            return 0;
        }
        return highBytes(reading) - reading.availableBytes();
    }
}
