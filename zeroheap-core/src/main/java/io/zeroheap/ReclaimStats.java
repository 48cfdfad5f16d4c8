package io.zeroheap;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link Reclaimer} has seen and done: per source, how often it asked, how many pages
 * it asked for and how many it got back; and the state of its monitors.
 *
 * @param sources         one entry per {@link PressureSource}, in enum order (pages are the
 *                        shrinkers' pages: each heap's page size, the OS page size by default)
 * @param psi             the PSI monitor: {@code "off"}, {@code "armed <file>: <trigger>"} or
 *                        {@code "unavailable: <why>"}
 * @param watermarks      the watermark monitor: {@code "off"}, {@code "<files>, low L high H
 *                        bytes"} or {@code "unavailable: <why>"}
 * @param limitBytes      the memory limit at the last watermark reading; -1 before any
 * @param availableBytes  memory available at the last watermark reading; -1 before any
 * @param probeFailures   watermark readings that failed (a file vanished or did not parse)
 * @param threadFailures  failures the reclaim thread survived (logged; it goes on)
 */
public record ReclaimStats(Map<PressureSource, SourceStats> sources, String psi, String watermarks,
                           long limitBytes, long availableBytes, long probeFailures, long threadFailures) {

    /** Copies {@code sources} so the snapshot is immutable and keeps enum order. */
    public ReclaimStats {
        sources = Collections.unmodifiableMap(new EnumMap<>(sources));
    }

    /** Returns the figures of one source. */
    public SourceStats source(PressureSource source) {
        return sources.get(source);
    }

    /**
     * The figures of one source.
     *
     * @param signals          times it asked (PSI events, readings under the low watermark,
     *                         direct reclaims, refused allocations, decay ticks that freed
     *                         something, manual calls)
     * @param pagesAsked       pages it asked the shrinkers for (for decay: pages found idle)
     * @param pagesFreed       pages given back to the OS or freed from pending lists
     * @param lastLatencyNanos time from the last signal to the end of its reclaim, in nanoseconds
     */
    public record SourceStats(long signals, long pagesAsked, long pagesFreed, long lastLatencyNanos) {
    }
}
