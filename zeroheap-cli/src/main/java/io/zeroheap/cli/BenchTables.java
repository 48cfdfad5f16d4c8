package io.zeroheap.cli;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The terminal side of a {@link BenchReport}: a header, one detailed table per regime and
 * touch mode (every percentile, throughput, memory held, ratio to the reference), a summary
 * matrix of medians with ratios, and the legend.
 */
public final class BenchTables {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    private BenchTables() {
    }

    /** Renders the whole terminal report. */
    public static String render(BenchReport report) {
        StringBuilder out = new StringBuilder();
        out.append(header(report)).append('\n');
        for (Regime regime : report.plan().regimes()) {
            for (TouchMode mode : report.plan().touchModes()) {
                out.append(regimeTitle(report.plan(), regime, mode)).append('\n');
                out.append(detail(report, regime, mode)).append('\n');
            }
        }
        out.append(summary(report)).append('\n');
        out.append(legend(report));
        return out.toString();
    }

    /** When, where and what: date, machine, JDK, memory source, the plan. */
    static String header(BenchReport report) {
        return "zeroheap bench, " + report.startedAt().format(WHEN) + "\n"
                + "machine: " + report.fact("cpus").replaceFirst("^(\\d+)", "$1 CPUs") + ", " + report.fact("memory")
                + ", " + report.fact("os") + "\n"
                + "jdk: " + report.fact("jdk") + "\n"
                + "zeroheap " + report.fact("zeroheap") + ": memory source " + report.fact("memory source")
                + ", worker niceness " + report.fact("worker niceness")
                + ", transparent huge pages " + report.fact("transparent huge pages").split(" ")[0] + "\n"
                + "plan: " + planText(report.plan()) + "\n";
    }

    /** The plan in one line. */
    static String planText(BenchPlan plan) {
        return plan.cellCount() + " cells (" + plan.byteSizes().size() + " sizes x " + plan.allocators().size() + " allocators x "
                + String.join(", ", plan.regimes().stream().map(Regime::id).toList()) + " x "
                + String.join(", ", plan.touchModes().stream().map(TouchMode::id).toList())
                + "); per cell " + Durations.latency(plan.warmupNanos()) + " warm-up, "
                + Durations.latency(plan.measureNanos()) + " measured; bursts of " + plan.burstLength()
                + " with >= " + Durations.latency(plan.pauseNanos()) + " idle between them";
    }

    static String regimeTitle(BenchPlan plan, Regime regime, TouchMode mode) {
        String how = regime == Regime.BURST
                ? plan.burstLength() + " buffers per burst, >= " + Durations.latency(plan.pauseNanos())
                        + " idle between bursts (zeroheap heaps: until their worker is idle)"
                : "one buffer after the other, no pause";
        String touch = mode.touch() ? "one long written per 4 KiB page" : "nothing written";
        return "== " + regime.id() + ", " + mode.id() + " (" + how + "; " + touch + ")";
    }

    /** Every number of one regime and touch mode, grouped by size. */
    static String detail(BenchReport report, Regime regime, TouchMode mode) {
        TerminalTable table = new TerminalTable("size / allocator", "ops", "p50", "p99", "p99.9", "max",
                "ops/s", "held", "p50 vs ref");
        boolean first = true;
        for (long byteSize : report.plan().byteSizes()) {
            if (!first) {
                table.blank();
            }
            first = false;
            table.row(ByteSizes.label(byteSize));
            for (AllocatorKind kind : report.plan().allocators()) {
                report.result(kind, regime, mode, byteSize).ifPresent(r -> table.row(
                        "  " + kind.label(),
                        String.valueOf(r.operations()),
                        Durations.latency(r.p50Nanos()),
                        Durations.latency(r.p99Nanos()),
                        Durations.latency(r.p999Nanos()),
                        Durations.latency(r.maxNanos()),
                        Numbers.rate(r.opsPerSecond()),
                        r.peakHeldBytes() < 0 ? "" : ByteSizes.approximate(r.peakHeldBytes()),
                        Numbers.ratio(report.ratio(r)) + "x"));
            }
        }
        return table.render();
    }

    /** Medians by allocator and size, each with its ratio to the reference, for every regime and touch mode. */
    static String summary(BenchReport report) {
        BenchPlan plan = report.plan();
        StringBuilder out = new StringBuilder("== summary: p50 latency (ratio to " + plan.reference().label() + ")");
        List<String> header = new ArrayList<>();
        header.add("");
        plan.byteSizes().forEach(byteSize -> header.add(ByteSizes.label(byteSize)));
        for (Regime regime : plan.regimes()) {
            for (TouchMode mode : plan.touchModes()) {
                header.set(0, regime.id() + ", " + mode.id());
                TerminalTable table = new TerminalTable(header.toArray(String[]::new));
                for (AllocatorKind kind : plan.allocators()) {
                    List<String> row = new ArrayList<>();
                    row.add(kind.label());
                    for (long byteSize : plan.byteSizes()) {
                        row.add(report.result(kind, regime, mode, byteSize)
                                .map(r -> Durations.latency(r.p50Nanos()) + " (" + Numbers.ratio(report.ratio(r)) + "x)")
                                .orElse(""));
                    }
                    table.row(row.toArray(String[]::new));
                }
                out.append('\n').append(table.render());
            }
        }
        return out.toString();
    }

    /** What the columns mean and what is included. */
    static String legend(BenchReport report) {
        return "latency: one allocate + touch + free, timed with System.nanoTime() around it; the timer's own cost ("
                + Durations.latency(report.timerOverheadNanos()) + " here, median) is included, not subtracted.\n"
                + "p50 vs ref: the allocator's median / " + report.plan().reference().label()
                + "'s median in the same cell (above 1: slower than " + report.plan().reference().label() + ").\n"
                + "ops/s: per second of busy time (pauses between bursts excluded). held: the most the allocator held"
                + " during the measurement: a zeroheap heap's memory from the OS, Netty's arenas' direct memory,"
                + " allocateDirect's JVM direct buffer pool (buffers awaiting the GC included); blank for the JDK arenas.\n"
                + "Netty pooled (stale data): its buffers can hold the previous user's bytes; every other allocator"
                + " hands out zeroed memory.\n"
                + "Sample counts are small in the default run (p99.9 of a few hundred operations is close to the max);"
                + " --full runs longer and steadier.\n";
    }
}
