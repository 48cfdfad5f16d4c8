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
     * Returns a summary for people, on one line: the monitors, the memory limit and what is
     * available (when read), failures if any, then each source that signalled at least once
     * with its signals and pages asked and freed, e.g.
     * {@code ReclaimStats[psi off; watermarks off; decay 3 signals, 512/512 pages]}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ReclaimStats[psi ").append(psi).append("; watermarks ").append(watermarks);
        if (limitBytes >= 0) {
            text.append("; limit ").append(io.zeroheap.util.ByteSizes.format(limitBytes))
                    .append(", available ").append(io.zeroheap.util.ByteSizes.format(availableBytes));
        }
        if (probeFailures + threadFailures != 0) {
            text.append("; failures: probe ").append(probeFailures).append(", thread ").append(threadFailures);
        }
        sources.forEach((source, stats) -> {
            if (stats.signals() != 0) {
                text.append("; ").append(source.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                        .append(' ').append(stats.signals()).append(stats.signals() == 1 ? " signal, " : " signals, ")
                        .append(stats.pagesFreed()).append('/').append(stats.pagesAsked()).append(" pages");
            }
        });
        return text.append(']').toString();
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
