package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny {@code zeroheap stress} runs: a clean one, and one for each test-only fault. */
class StressCommandTest {

    private static final String LIVE_LINE = "(?m)^ +\\d+\\.\\d s  [0-9.]+( [kMG])? allocs/s  in use [0-9.]+ \\S+  pooled [0-9.]+ \\S+"
            + "  pending [0-9.]+ \\S+  reserved [0-9.]+ \\S+ of 64 MiB  RSS [0-9.]+ \\S+  identity ok \\(\\d+ checks\\)$";

    @Test
    void underInjectedFaultsEveryAllocationShouldStillReadZeroOrFailClearlyAndNothingBeLost() {
        for (String deferred : new String[] {"--deferred-free", "--no-deferred-free"}) {
            Cli.Run run = Cli.run("stress", "-t", "3", "-d", "1s", "--interval", "200ms", "--max-bytes", "64M",
                    "--max-size", "512K", "--seed", "11", "--fault-rate", "0.05", deferred, "--no-progress");

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).containsPattern("(?m)^ok after ")
                    .containsPattern("(?m)^faults: [1-9]\\d* injected \\(rate 0.05\\); [1-9]\\d* operations failed clearly"
                            + " with one, \\d+ frees failed and were counted, \\d+ allocations failed and were counted;"
                            + " pages lost: 0");
        }
    }

    @Test
    void shouldRunCleanlyAndPrintLiveLinesAndASummary() {
        Cli.Run run = Cli.run("stress", "--threads", "3", "--duration", "1s", "--interval", "200ms",
                "--max-bytes", "64M", "--max-size", "512K", "--seed", "7", "--no-progress");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("zeroheap stress: 3 threads for 1 s, budget 64 MiB, sizes 64 B to 512 KiB (log-uniform), deferred frees, seed 7")
                .contains("every allocation is checked to read zero: buffers up to 256 KiB are checked in full")
                .containsPattern(LIVE_LINE)
                .containsPattern("(?m)^ok after \\d+\\.\\d s: \\d+ allocations .* \\d+ handed to another thread, \\d+ received intact, "
                        + "\\d+ refused at the budget; \\d+ accounting checks; peak reserved .* of 64 MiB");
        assertThat(run.out().lines().filter(l -> l.matches(LIVE_LINE.substring(4, LIVE_LINE.length() - 1))).count())
                .isBetween(3L, 6L);
    }

    @Test
    void shouldRunCleanlyWithSynchronousFreesOnOneThread() {
        Cli.Run run = Cli.run("stress", "-t", "1", "-d", "300ms", "--interval", "100ms", "--max-bytes", "64M",
                "--max-size", "2M", "--no-deferred-free", "--no-progress");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("synchronous frees").contains("ok after").contains(", 0 handed to another thread");
    }

    @Test
    void shouldExitOneAndSayWhatWasSeenWhenABufferDoesNotReadZero() {
        Cli.Run run = Cli.run("stress", "-t", "2", "-d", "20s", "--max-bytes", "64M", "--max-size", "1M",
                "--inject-fault", "zero", "--no-progress");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("TEST ONLY: --inject-fault=zero").containsPattern("(?m)^stopped after \\d+\\.\\d s");
        assertThat(secondsRun(run)).as("stopped at the violation, long before its 20 s").isLessThan(10);
        assertThat(run.err()).containsPattern("zeroheap stress: VIOLATION: thread 0, allocation #100 \\((HeapBuffer|arena segment) of \\d+ bytes\\): "
                + "byte at offset \\d+ reads 0x5a, expected 0x00 \\[fault injected by --inject-fault=zero");
    }

    @Test
    void shouldExitOneAndSayWhatWasSeenWhenAHandedOverBufferWasWrittenByAnotherThread() {
        Cli.Run run = Cli.run("stress", "-t", "2", "-d", "20s", "--max-bytes", "64M", "--max-size", "1M",
                "--inject-fault", "tag", "--no-progress");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("TEST ONLY: --inject-fault=tag").containsPattern("(?m)^stopped after \\d+\\.\\d s");
        assertThat(secondsRun(run)).as("stopped at the violation, long before its 20 s").isLessThan(10);
        assertThat(run.err()).containsPattern("zeroheap stress: VIOLATION: thread 0's allocation #\\d+ \\(HeapBuffer of \\d+ bytes\\), "
                + "(received|closed) by thread \\d: byte at offset \\d+ reads 0x[0-9a-f]{2}, expected 0x[0-9a-f]{2} "
                + "\\(what its owner wrote; someone else wrote into it\\) \\[fault injected by --inject-fault=tag");
    }

    @Test
    void shouldExitOneAndSayWhatWasSeenWhenTheAccountingIdentityBreaks() {
        Cli.Run run = Cli.run("stress", "-t", "2", "-d", "20s", "--interval", "50ms", "--max-bytes", "64M",
                "--max-size", "1M", "--inject-fault", "accounting", "--no-progress");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(secondsRun(run)).as("stopped at the violation, long before its 20 s").isLessThan(10);
        assertThat(run.err()).containsPattern("zeroheap stress: VIOLATION: accounting identity broken in snapshot 1: allocated \\d+ "
                + "\\+ pooled \\d+ \\+ pending \\d+ = \\d+ bytes, but reserved is \\d+ \\(off by 4096\\) \\[fault injected");
    }

    /** The seconds the summary says the run took ("stopped after 1.2 s: ..."). */
    private static double secondsRun(Cli.Run run) {
        Matcher m = Pattern.compile("(?m)^(?:ok|stopped) after (\\d+\\.\\d) s").matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
