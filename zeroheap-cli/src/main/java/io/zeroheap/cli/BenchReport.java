package io.zeroheap.cli;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * Everything one {@code zeroheap bench} run found, for the terminal and the HTML report.
 *
 * @param plan               what was measured
 * @param results            one result per (allocator, cell), in the order run
 * @param timerOverheadNanos the median cost of two back-to-back {@code System.nanoTime()}
 *                           calls, included in every latency
 * @param startedAt          when the run started
 * @param elapsedNanos       how long it took, warm-ups included
 * @param platform           the platform facts of {@link PlatformInfo#collect()}
 * @param floors             where the floors' memory came from and how they zeroed it
 * @param commandLine        the command as typed (for the record)
 */
public record BenchReport(
        BenchPlan plan,
        BenchResults results,
        long timerOverheadNanos,
        ZonedDateTime startedAt,
        long elapsedNanos,
        List<PlatformInfo.Fact> platform,
        String floors,
        String commandLine) {

    /** Copies the list. */
    public BenchReport {
        platform = List.copyOf(platform);
    }

    /** One platform fact's value, or "?" if it was not collected. */
    public String fact(String name) {
        return platform.stream().filter(f -> f.name().equals(name)).map(PlatformInfo.Fact::value).findFirst().orElse("?");
    }
}
