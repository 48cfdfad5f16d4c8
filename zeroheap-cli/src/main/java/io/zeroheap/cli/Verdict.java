package io.zeroheap.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-line verdict per size under each table: in that table's cells (one per regime),
 * where zeroheap's {@code newArena()} and {@code HeapBuffer} win and lose against
 * {@code Arena.ofConfined()} by median, e.g. {@code "64 KiB: newArena() 0.12-0.95x
 * Arena.ofConfined() (wins 3/4; loses sustained); HeapBuffer 0.9-2.1x (wins 1/4; loses
 * sustained, gap 0 ms, gap 2 ms)"}, or {@code "(loses 4/4)"} when every cell is lost. A win is a
 * ratio below 1, a loss one above; no tolerance is applied, so read a ratio within the run's
 * noise as a tie. Stateless.
 */
final class Verdict {

    /** Who is judged, and the name the verdict gives it. */
    private record Subject(AllocatorKind kind, String name) {
    }

    private static final List<Subject> SUBJECTS = List.of(
            new Subject(AllocatorKind.ZEROHEAP_ARENA, "newArena()"),
            new Subject(AllocatorKind.ZEROHEAP_BUFFER, "HeapBuffer"));

    private Verdict() {
    }

    /** One verdict line per size of the plan, for the table of {@code threads} threads and {@code use}. */
    static List<String> lines(BenchPlan plan, BenchResults results, int threads, BufferUse use) {
        return plan.byteSizes().stream().map(byteSize -> line(plan, results, threads, use, byteSize)).toList();
    }

    /** The verdict for one size of one table. */
    static String line(BenchPlan plan, BenchResults results, int threads, BufferUse use, long byteSize) {
        String size = ByteSizes.label(byteSize) + ": ";
        if (!plan.allocators().contains(BenchResults.JDK)) {
            return size + "no verdict: " + BenchResults.JDK.label() + " (" + BenchResults.JDK.id() + ") was not measured";
        }
        List<String> parts = new ArrayList<>();
        for (Subject subject : SUBJECTS) {
            if (plan.allocators().contains(subject.kind())) {
                judge(plan, results, subject, threads, use, byteSize).ifPresent(parts::add);
            }
        }
        if (parts.isEmpty()) {
            return size + "no verdict: neither newArena() (zeroheap-arena) nor HeapBuffer (zeroheap-buffer) was measured";
        }
        return size + String.join("; ", parts);
    }

    private static Optional<String> judge(BenchPlan plan, BenchResults results, Subject subject, int threads, BufferUse use,
                                          long byteSize) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        int cells = 0;
        int wins = 0;
        List<String> losses = new ArrayList<>();
        for (Regime regime : plan.regimes()) {
            Optional<BenchResult> result = results.find(subject.kind(), new Cell(use, regime, threads, byteSize));
            double ratio = result.map(results::ratioToJdk).orElse(Double.NaN);
            if (Double.isNaN(ratio)) {
                continue;
            }
            cells++;
            low = Math.min(low, ratio);
            high = Math.max(high, ratio);
            if (ratio < 1) {
                wins++;
            } else if (ratio > 1) {
                losses.add(regime.shortLabel());
            }
        }
        if (cells == 0) {
            return Optional.empty();
        }
        String range = Numbers.ratio(low).equals(Numbers.ratio(high))
                ? Numbers.ratio(low) + "x" : Numbers.ratio(low) + "-" + Numbers.ratio(high) + "x";
        String against = subject.kind() == AllocatorKind.ZEROHEAP_ARENA ? " " + BenchResults.JDK.label() : "";
        String tally = losses.size() == cells ? "loses " + cells + "/" + cells
                : "wins " + wins + "/" + cells + (losses.isEmpty() ? "" : "; loses " + String.join(", ", losses));
        return Optional.of(subject.name() + " " + range + against + " (" + tally + ")");
    }
}
