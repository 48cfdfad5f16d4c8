package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny {@code zeroheap bench} runs end to end: exit code, terminal output, progress and the report file. */
@Timeout(60)
class BenchCommandTest {

    private static final String[] TINY = {
        "bench", "--sizes", "4K,64K", "--warmup", "0", "--measure", "1ms", "--max-measure", "50ms", "--max-busy", "20ms",
        "--min-bursts", "2", "--min-ops", "8", "--jit-warmup", "0", "--burst", "4", "--gap", "0,1"
    };
    private static final String KINDS = "zeroheap-arena,zeroheap-buffer,confined-arena,floor-stale,floor-local,floor-elsewhere";

    @TempDir
    Path dir;

    @Test
    void shouldPrintATablePerUseModeWithBothRatiosAVerdictPerSizeAndWriteTheReport() throws Exception {
        Path report = dir.resolve("nested/report.html");

        Cli.Run run = Cli.run(args("-a", KINDS, "--use", "fill,page", "--report", report.toString(), "--no-progress"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no progress").isEmpty();
        String out = run.out();
        assertThat(out).startsWith("zeroheap bench, ")
                .contains("floors: memory from mmap, transparent huge pages from 2 MiB, zeroed with memset (critical downcall)")
                .contains("plan: 68 cells (2 sizes x 6 allocators x fill, page x sustained and bursts of 4 with gaps of 0, 1 ms x 1 thread)");
        for (String use : List.of("fill", "page")) {
            String table = section(out, "== " + use + ", 1 thread (");
            assertThat(table.lines().skip(2).findFirst().orElseThrow())
                    .startsWith("size / allocator").contains("sustained", "burst 4, gap 0 ms", "burst 4, gap 1 ms");
            for (String label : List.of("zeroheap newArena()", "zeroheap HeapBuffer", "Arena.ofConfined()", "floor: stale hot stack",
                    "floor: zeroed on free", "floor: zeroed elsewhere")) {
                assertThat(table.lines().filter(l -> l.startsWith("  " + label + " ")).count()).as("%s rows of %s", use, label)
                        .isEqualTo(2);
            }
            assertThat(table.lines().filter(l -> l.startsWith("  zeroheap newArena() ")))
                    .allSatisfy(l -> assertThat(l.split("1.00x zh", -1)).as("newArena() is zh in every regime").hasSize(4));
            assertThat(table.lines().filter(l -> l.startsWith("  Arena.ofConfined() ")))
                    .allSatisfy(l -> assertThat(l.split("1.00x jdk", -1)).as("the JDK arena is jdk in every regime").hasSize(4));
            assertThat(table.lines().filter(l -> l.startsWith("  floor: zeroed elsewhere ")))
                    .allSatisfy(l -> assertThat(l).contains("(bursts only)"));
            assertThat(table).contains(" ops/s").containsPattern("verdict, " + use + ", 1 thread:\n"
                    + "  4 KiB: newArena\\(\\) [0-9.x-]+ Arena.ofConfined\\(\\) \\((wins|loses) [0-3]/3[^)]*\\); HeapBuffer [0-9.x-]+ \\(.*\\)\n"
                    + "  64 KiB: newArena\\(\\) ");
        }
        assertThat(out.indexOf("== fill")).as("tables in the order run, before the legend").isLessThan(out.indexOf("== page"));
        assertThat(out.indexOf("== page")).isLessThan(out.indexOf("latency: one allocate + use + free"));
        assertThat(out).containsPattern("(?m)^elapsed: [0-9.]+ m?s$");
        assertThat(out).endsWith("report: " + report.toAbsolutePath() + System.lineSeparator());
        assertThat(out.lines().filter(l -> !l.startsWith("plan: ")))
                .as("the legend is wrapped; tables are not").allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(160));
        List<Map<String, String>> cells = HtmlReportTest.jsonResults(report);
        assertThat(cells).as("per size and use: 5 sustained, 6 in each of 2 gaps").hasSize(68);
        assertEveryCellIsSane(cells);
        assertThat(cells.stream().map(c -> c.get("use") + "/" + c.get("regime") + "/" + c.get("gapMillis") + "/" + c.get("threads"))
                .collect(Collectors.toSet())).containsExactlyInAnyOrder(
                "fill/sustained/0/1", "fill/burst/0/1", "fill/burst/1/1", "page/sustained/0/1", "page/burst/0/1", "page/burst/1/1");
    }

    @Test
    void shouldRunATableSetPerThreadCountWithTheHandOverKinds() throws Exception {
        Path report = dir.resolve("threads.html");

        Cli.Run run = Cli.run(args("-a", "confined-arena,zeroheap-buffer-handover,netty-handover", "--use", "page",
                "--threads", "1,2", "--report", report.toString(), "--no-progress"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("== page, 1 thread (").contains("== page, 2 threads (")
                .contains("  zeroheap HeapBuffer hand-over ").contains("  Netty + setZero hand-over ")
                .contains("verdict, page, 2 threads:\n  4 KiB: no verdict: neither newArena()")
                .contains("\n  64 KiB: no verdict: neither newArena()");
        List<Map<String, String>> cells = HtmlReportTest.jsonResults(report);
        assertThat(cells).as("2 thread counts x 3 allocators x 3 regimes x 2 sizes").hasSize(36);
        assertThat(cells).filteredOn(c -> c.get("threads").equals("2")).hasSize(18)
                .allSatisfy(c -> assertThat(Long.parseLong(c.get("ops"))).as("two threads' operations").isGreaterThanOrEqualTo(2 * 8));
        assertEveryCellIsSane(cells);
    }

    /** Not a terminal (as under a test runner, or piped to a file): one progress line per cell on standard error. */
    @Test
    void shouldPrintOneProgressLinePerCellWhenNotOnATerminal() {
        Cli.Run run = Cli.run(args("-a", "confined-arena,floor-elsewhere", "--use", "none", "--no-report"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.err().lines().toList();
        assertThat(lines).as("2 sustained cells, 8 burst cells").hasSize(10).allSatisfy(l -> assertThat(l).matches(
                "\\[\\d+/10 \\d+%, \\d+ s, ETA \\d+ s] none, 1 thread, (sustained|burst 4, gap [01] ms), (4|64) KiB: .+: p50 .+ \\(cell .+\\)"));
        assertThat(lines.getLast()).startsWith("[10/10 100%");
        assertThat(run.err()).doesNotContain("\r");
    }

    @Test
    void shouldDrawTheProgressBarOnStandardErrorWhenForced() {
        Cli.Run run = Cli.run(args("-a", "confined-arena", "--regime", "sustained", "--no-report", "--progress"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("\r[").contains("%  0/4").contains("fill, 1 thread, sustained, 4 KiB: Arena.ofConfined()")
                .contains("ETA");
        assertThat(run.out()).doesNotContain("report:");
    }

    @Test
    void shouldExitOneWhenTheReportCannotBeWritten() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");

        Cli.Run run = Cli.run(args("--allocators", "confined-arena", "--regime", "sustained", "--use", "none",
                "--report", notADirectory.resolve("report.html").toString(), "--no-progress"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("zeroheap bench: failed: java.nio.file.FileAlreadyExistsException");
    }

    /** Every cell ran, its percentiles are in order, and each allocator that can tell reports what it held. */
    private static void assertEveryCellIsSane(List<Map<String, String>> cells) {
        Set<String> malloc = Set.of("confined-arena", "shared-arena");
        for (Map<String, String> cell : cells) {
            String what = cell.get("allocator") + ", " + cell.get("use") + ", " + cell.get("regime") + " " + cell.get("gapMillis")
                    + ", " + cell.get("threads") + " threads, " + cell.get("bytes");
            long p50 = Long.parseLong(cell.get("p50"));
            long p99 = Long.parseLong(cell.get("p99"));
            long p999 = Long.parseLong(cell.get("p999"));
            long max = Long.parseLong(cell.get("max"));
            assertThat(Long.parseLong(cell.get("ops"))).as("ops of %s", what).isGreaterThanOrEqualTo(CellBudget.MIN_SLOW_OPS);
            assertThat(p50).as("p50 of %s", what).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).as("p99 of %s", what).isLessThanOrEqualTo(p999);
            assertThat(p999).as("p99.9 of %s", what).isLessThanOrEqualTo(max);
            assertThat(Double.parseDouble(cell.get("opsPerSecond"))).as("ops/s of %s", what).isPositive();
            long held = Long.parseLong(cell.get("peakHeldBytes"));
            if (malloc.contains(cell.get("allocator"))) {
                assertThat(held).as("held by %s (malloc: cannot tell)", what).isEqualTo(-1);
            } else {
                assertThat(held).as("held by %s", what).isGreaterThanOrEqualTo(0);
            }
        }
    }

    /** The part of {@code out} from the line starting with {@code title} to the next blank line after its verdict. */
    private static String section(String out, String title) {
        int start = out.indexOf(title);
        assertThat(start).as("section %s", title).isNotNegative();
        int verdict = out.indexOf("verdict, ", start);
        int end = out.indexOf("\n\n", verdict);
        return out.substring(start, end + 1);
    }

    private static String[] args(String... more) {
        String[] all = Arrays.copyOf(TINY, TINY.length + more.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        return all;
    }
}
