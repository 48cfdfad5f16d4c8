package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny {@code zeroheap bench} run end to end: its exit code, terminal output and report file. */
class BenchCommandTest {

    private static final String[] TINY = {
        "bench", "--sizes", "4K,64K", "--warmup", "1ms", "--measure", "5ms", "--pause", "1ms", "--jit-warmup", "0",
        "--burst", "4", "--touch", "both"
    };

    @TempDir
    Path dir;

    @Test
    void shouldPrintEveryAllocatorAndSizeForEveryRegimeAndWriteTheReport() throws Exception {
        Path report = dir.resolve("nested/report.html");

        Cli.Run run = Cli.run(args("--report", report.toString(), "--no-progress"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no progress bar").isEmpty();
        String out = run.out();
        assertThat(out).startsWith("zeroheap bench, ").contains("plan: 72 cells (2 sizes x 9 allocators x burst, sustained x touched, untouched)");
        for (String section : List.of("== burst, touched", "== burst, untouched", "== sustained, touched", "== sustained, untouched",
                "== summary: p50 latency (ratio to zeroheap newArena())")) {
            assertThat(out).contains(section);
        }
        for (AllocatorKind kind : AllocatorKind.values()) {
            assertThat(out.lines().filter(l -> l.startsWith("  " + kind.label() + " ")).count())
                    .as("detail rows of %s", kind.label()).isEqualTo(2 * 2 * 2);
            assertThat(out.lines().filter(l -> l.startsWith(kind.label() + " ")).count())
                    .as("summary rows of %s", kind.label()).isEqualTo(4);
        }
        assertThat(out).contains("p50 vs ref").contains("ops/s").contains("p99.9")
                .contains("timer's own cost").contains("stale data");
        assertThat(out.lines().filter(l -> l.startsWith("  zeroheap newArena() ")))
                .allSatisfy(l -> assertThat(l).endsWith(" 1.00x"));
        assertThat(out.lines().filter(l -> l.equals("4 KiB") || l.equals("64 KiB")).count()).isEqualTo(8);
        assertThat(out).containsPattern("(?m)^elapsed: [0-9.]+ m?s$");
        assertThat(out).endsWith("report: " + report.toAbsolutePath() + System.lineSeparator());
        assertThat(Files.size(report)).isGreaterThan(10_000);
        assertThat(HtmlReportTest.resultRows(report)).hasSize(72);
        assertEveryCellIsSane(HtmlReportTest.jsonResults(report));
    }

    /** Every cell ran, its percentiles are in order, and each allocator that can tell reports what it held. */
    private static void assertEveryCellIsSane(List<Map<String, String>> cells) {
        assertThat(cells).hasSize(72);
        for (Map<String, String> cell : cells) {
            String what = cell.get("allocator") + ", " + cell.get("regime") + ", " + cell.get("touch") + ", " + cell.get("bytes");
            long p50 = Long.parseLong(cell.get("p50"));
            long p99 = Long.parseLong(cell.get("p99"));
            long p999 = Long.parseLong(cell.get("p999"));
            long max = Long.parseLong(cell.get("max"));
            assertThat(Long.parseLong(cell.get("ops"))).as("ops of %s", what).isGreaterThanOrEqualTo(1);
            assertThat(p50).as("p50 of %s", what).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).as("p99 of %s", what).isLessThanOrEqualTo(p999);
            assertThat(p999).as("p99.9 of %s", what).isLessThanOrEqualTo(max);
            long held = Long.parseLong(cell.get("peakHeldBytes"));
            if (cell.get("allocator").endsWith("-arena") && !cell.get("allocator").startsWith("zeroheap-")) {
                assertThat(held).as("held by %s (malloc: cannot tell)", what).isEqualTo(-1);
            } else {
                assertThat(held).as("held by %s", what).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void shouldExitOneWhenTheReportCannotBeWritten() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");

        Cli.Run run = Cli.run(args("--allocators", "confined-arena", "--regime", "sustained",
                "--report", notADirectory.resolve("report.html").toString(), "--no-progress"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("zeroheap bench: failed: java.nio.file.FileAlreadyExistsException");
    }

    @Test
    void shouldDrawTheProgressBarOnStandardErrorWhenForced() {
        Cli.Run run = Cli.run(args("--allocators", "confined-arena", "--regime", "sustained", "--no-report", "--progress"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("\r[").contains("%  0/4").contains("sustained, touched: Arena.ofConfined(), 4 KiB")
                .contains("ETA");
        assertThat(run.out()).doesNotContain("report:");
    }

    private static String[] args(String... more) {
        String[] all = Arrays.copyOf(TINY, TINY.length + more.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        return all;
    }
}
