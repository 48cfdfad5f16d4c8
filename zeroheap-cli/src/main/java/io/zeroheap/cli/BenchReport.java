package io.zeroheap.cli;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Everything one {@code zeroheap bench} run found, for the terminal table and the HTML report.
 *
 * @param plan               what was measured
 * @param results            one result per cell, in the order run
 * @param timerOverheadNanos the median cost of two back-to-back {@code System.nanoTime()}
 *                           calls, included in every latency
 * @param startedAt          when the run started
 * @param elapsedNanos       how long it took, warm-ups included
 * @param platform           the platform facts of {@link PlatformInfo#collect()}
 * @param commandLine        the command as typed (for the record)
 */
public record BenchReport(
        BenchPlan plan,
        List<BenchResult> results,
        long timerOverheadNanos,
        ZonedDateTime startedAt,
        long elapsedNanos,
        List<PlatformInfo.Fact> platform,
        String commandLine) {

    /** Copies the lists. */
    public BenchReport {
        results = List.copyOf(results);
        platform = List.copyOf(platform);
    }

    /** The reference allocator's result in the same cell as {@code result}, if it was measured. */
    public Optional<BenchResult> reference(BenchResult result) {
        return results.stream()
                .filter(r -> r.allocator() == plan.reference() && r.sameCell(result))
                .findFirst();
    }

    /** {@code result}'s median ÷ the reference's median in the same cell; NaN without a reference. */
    public double ratio(BenchResult result) {
        return reference(result).map(ref -> (double) result.p50Nanos() / ref.p50Nanos()).orElse(Double.NaN);
    }

    /** The results of one regime and touch mode, in the order run. */
    public List<BenchResult> results(Regime regime, TouchMode touchMode) {
        return results.stream().filter(r -> r.regime() == regime && r.touchMode() == touchMode).toList();
    }

    /** The result of one cell, if it was measured. */
    public Optional<BenchResult> result(AllocatorKind allocator, Regime regime, TouchMode touchMode, long byteSize) {
        return results.stream()
                .filter(r -> r.allocator() == allocator && r.regime() == regime
                        && r.touchMode() == touchMode && r.byteSize() == byteSize)
                .findFirst();
    }

    /** One platform fact's value, or "?" if it was not collected. */
    public String fact(String name) {
        return platform.stream().filter(f -> f.name().equals(name)).map(PlatformInfo.Fact::value).findFirst().orElse("?");
    }
}
