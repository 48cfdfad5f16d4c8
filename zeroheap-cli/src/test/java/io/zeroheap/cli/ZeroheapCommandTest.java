package io.zeroheap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Command-line parsing, help, version and exit codes of bad input, for every command. */
class ZeroheapCommandTest {

    @Test
    void shouldPrintVersionAndExitZero() {
        Cli.Run run = Cli.run("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("zeroheap 0.1.0").contains("JDK 25");
    }

    @Test
    void shouldExitTwoWithMessageAndUsageWithoutCommand() {
        Cli.Run run = Cli.run();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command").contains("Usage: zeroheap").contains("bench").contains("stress").contains("info");
    }

    @Test
    void shouldListCommandsAndExitCodesInTopLevelHelp() {
        Cli.Run run = Cli.run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: zeroheap").contains("bench").contains("stress").contains("info")
                .contains("Exit codes:").contains("2   bad arguments");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bench", "stress", "info"})
    void shouldPrintHelpOfEveryCommandAndExitZero(String command) {
        Cli.Run run = Cli.run(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: zeroheap " + command).contains("--help");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintHelpThroughHelpCommand() {
        Cli.Run run = Cli.run("help", "stress");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: zeroheap stress").contains("--max-bytes");
    }

    @Test
    void shouldHideTheTestOnlyFaultOptionFromHelp() {
        assertThat(Cli.run("stress", "--help").out()).doesNotContain("inject-fault");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bogus                                            | Unmatched argument at index 0: 'bogus'         | zeroheap",
        "bench --bogus                                    | Unknown option: '--bogus'                      | zeroheap bench",
        "bench --sizes 4x                                 | '4x' is not a size                             | zeroheap bench",
        "bench --sizes 0                                  | --sizes: 0 B (expected: 1 B to 1 GiB)          | zeroheap bench",
        "bench --sizes 2G                                 | --sizes: 2 GiB (expected: 1 B to 1 GiB)        | zeroheap bench",
        "bench --allocators zeroheap-arena,jemalloc       | Invalid value for option '--allocators' (ID): unknown allocator 'jemalloc' | zeroheap bench",
        "bench --report r.html --no-report                | --no-report: given with --report r.html (expected: one of them, not both) | zeroheap bench",
        "bench --regime steady                            | --regime: 'steady' (expected one of: burst, sustained, both) | zeroheap bench",
        "bench --regime sustained -a floor-elsewhere      | --regime: sustained with only [floor-elsewhere] (expected: an allocator that runs sustained, or --regime burst or both) | zeroheap bench",
        "bench --use fill,touched                         | Invalid value for option '--use' (MODE): 'touched' (expected one of: none, page, head, fill) | zeroheap bench",
        "bench --touch both                               | --touch: 'both' is no longer an option (expected: --use none,page,head,fill; touched is --use page, untouched --use none) | zeroheap bench",
        "bench --pause 5ms                                | --pause: '5ms' is no longer an option (expected: --gap | zeroheap bench",
        "bench --reference netty-stale                    | --reference: 'netty-stale' is no longer an option (expected: nothing; every table compares with both Arena.ofConfined() and zeroheap newArena()) | zeroheap bench",
        "bench --gap 0,soon                               | Invalid value for option '--gap' (MS): 'soon' is not a duration (expected: milliseconds, e.g. 0, 2, 20, or with a unit, e.g. 500us) | zeroheap bench",
        "bench --gap 2,-1                                 | Invalid value for option '--gap' (MS): '-1' is not a duration | zeroheap bench",
        "bench --gap 20000                                | --gap: 20 s (expected: 0 to 10000 ms)          | zeroheap bench",
        "bench --threads 1,0                              | --threads: 0 (expected: 1 to 64)               | zeroheap bench",
        "bench --threads 65                               | --threads: 65 (expected: 1 to 64)              | zeroheap bench",
        "bench --threads two                              | Invalid value for option '--threads' (N): 'two' is not an int | zeroheap bench",
        "bench --measure soon                             | 'soon' is not a duration                       | zeroheap bench",
        "bench --measure 0ms                              | --measure: 0 (expected: a positive duration)   | zeroheap bench",
        "bench --measure 1s --max-measure 500ms           | --max-measure: 500 ms (expected: >= --measure 1 s) | zeroheap bench",
        "bench --max-busy 0                               | --max-busy: 0 (expected: a positive duration)  | zeroheap bench",
        "bench --min-bursts 0                             | --min-bursts: 0 (expected: 1 to 10000000)      | zeroheap bench",
        "bench --min-ops -3                               | --min-ops: -3 (expected: 1 to 10000000)        | zeroheap bench",
        "bench --burst 0                                  | --burst: 0 (expected: 1 to 4096)               | zeroheap bench",
        "stress --threads 0                               | --threads: 0 (expected: 1 to 1024)             | zeroheap stress",
        "stress --min-size 1M --max-size 4K               | --max-size: 4 KiB (expected: >= --min-size 1 MiB) | zeroheap stress",
        "stress --max-bytes 1M --max-size 4M              | --max-size: 4 MiB (expected: <= --max-bytes 1 MiB) | zeroheap stress",
        "stress --max-bytes 4500K --max-size 4500K        | --max-size: 4500 KiB rounds up to its size class of 5 MiB, above --max-bytes 4500 KiB | zeroheap stress",
        "stress --max-bytes 8K --max-size 4K              | --max-bytes: 8 KiB is below the 16 KiB slab a heap arena slices buffers of up to half a page from | zeroheap stress",
        "stress --full-check-below 4K                     | --full-check-below: 4 KiB (expected: >= 128 KiB) | zeroheap stress",
        "stress --duration forever                        | 'forever' is not a duration                    | zeroheap stress",
        "stress --inject-fault everything                 | --inject-fault                                 | zeroheap stress",
        "stress --fault-rate 1.5                          | --fault-rate: 1.5 (expected: 0 to 1)           | zeroheap stress",
        "info --verbose                                   | Unknown option: '--verbose'                    | zeroheap info",
    })
    void shouldExitTwoWithTheMessageAndAOneLineHintOnBadArguments(String args, String message, String command) {
        Cli.Run run = Cli.run(args.strip().split("\\s+"));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith(command.strip() + ": ").contains(message.strip())
                .contains("Try '" + command.strip() + " --help' for more information.")
                .doesNotContain("Usage:");
        assertThat(run.err().lines().count()).as("the error is not buried: " + run.err()).isLessThanOrEqualTo(4);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldBuildTheDefaultPlan() {
        BenchPlan plan = benchPlan();

        assertThat(plan.byteSizes()).containsExactly(4096L, 65536L, 1L << 20, 8L << 20, 32L << 20);
        assertThat(plan.allocators()).containsExactly(AllocatorKind.ZEROHEAP_ARENA, AllocatorKind.ZEROHEAP_BUFFER,
                AllocatorKind.CONFINED_ARENA, AllocatorKind.NETTY_ZEROED, AllocatorKind.FLOOR_LOCAL, AllocatorKind.FLOOR_STALE,
                AllocatorKind.FLOOR_ELSEWHERE);
        assertThat(plan.uses()).containsExactly(BufferUse.FILL, BufferUse.PAGE);
        assertThat(plan.regimes()).containsExactly(Regime.SUSTAINED, Regime.burst(8, 0), Regime.burst(8, 2_000_000),
                Regime.burst(8, 20_000_000));
        assertThat(plan.threadCounts()).containsExactly(1);
        assertThat(plan.budget()).isEqualTo(new CellBudget(5_000_000, 15_000_000, 420_000_000, 150_000_000, 20, 64));
        assertThat(plan.jitWarmupNanos()).isEqualTo(400_000_000);
        assertThat(plan.cellCount()).as("7 allocators in 3 burst regimes, 6 sustained, 5 sizes, 2 uses").isEqualTo((7 * 3 + 6) * 5 * 2);
    }

    /** 20 bursts of 20 ms gaps take 400 ms: the default limit lets a cell of small buffers have them all. */
    @Test
    void shouldLetTheDefaultBudgetGiveTwentyMillisecondGapCellsTwentyBursts() {
        CellBudget budget = benchPlan().budget();
        long twentyBursts = 19 * 20_000_000L + 20 * 8 * 50_000L;

        assertThat(budget.burstsDone(twentyBursts - 20_000_000, 19 * 8, 19)).isFalse();
        assertThat(budget.burstsDone(twentyBursts, 20 * 8, 20)).isTrue();
        assertThat(twentyBursts).isLessThan(budget.maxMeasureNanos());
    }

    @Test
    void shouldRunEverythingLongerWithFullUnlessAnAllocatorOrATimeIsGiven() {
        BenchPlan plan = benchPlan("--full", "--warmup", "100ms");

        assertThat(plan.allocators()).containsExactly(AllocatorKind.values());
        assertThat(plan.budget()).isEqualTo(new CellBudget(100_000_000, 1_000_000_000, 10_000_000_000L, 5_000_000_000L, 100, 1000));
        assertThat(plan.jitWarmupNanos()).isEqualTo(1_000_000_000);
        assertThat(benchPlan("--full", "-a", "floor-stale").allocators()).containsExactly(AllocatorKind.FLOOR_STALE);
    }

    @Test
    void shouldTakeSizesAllocatorsUsesRegimesGapsAndThreadsFromOptions() {
        BenchPlan plan = benchPlan("--sizes", "4095,4K,1.5m", "-a", "netty-zeroed,zeroheap-buffer,netty-zeroed",
                "--use", "head,none,head", "--regime", "burst", "--burst", "4", "--gap", "0.5,3,500us", "--threads", "1,8,2",
                "--measure", "30ms", "--max-measure", "1s", "--max-busy", "200ms", "--min-bursts", "7", "--min-ops", "9");

        assertThat(plan.byteSizes()).containsExactly(4095L, 4096L, 1536L << 10);
        assertThat(plan.allocators()).containsExactly(AllocatorKind.NETTY_ZEROED, AllocatorKind.ZEROHEAP_BUFFER);
        assertThat(plan.uses()).containsExactly(BufferUse.HEAD, BufferUse.NONE);
        assertThat(plan.regimes()).as("500us is 0.5 ms: the same regime once")
                .containsExactly(Regime.burst(4, 500_000), Regime.burst(4, 3_000_000));
        assertThat(plan.threadCounts()).containsExactly(1, 8, 2);
        assertThat(plan.budget()).isEqualTo(new CellBudget(5_000_000, 30_000_000, 1_000_000_000, 200_000_000, 7, 9));
        assertThat(benchPlan("--regime", "sustained").regimes()).containsExactly(Regime.SUSTAINED);
    }

    @Test
    void shouldTakeStressSettingsFromOptions() {
        StressCommand command = new StressCommand();
        new picocli.CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs("-t", "3", "-d", "1.5", "--max-bytes", "64M", "--min-size", "1K", "--max-size", "1M",
                        "--seed", "42", "--no-deferred-free", "--inject-fault", "accounting");
        StressConfig config = command.config();

        assertThat(config).isEqualTo(new StressConfig(3, 1_500_000_000L, 64L << 20, 1024, 1L << 20, 256L << 10, 16, 42,
                1_000_000_000L, false, FaultInjection.ACCOUNTING, 0.0));
    }

    @Test
    void shouldAcceptAMaxSizeWhoseSizeClassFitsTheBudget() {
        StressCommand command = new StressCommand();
        new picocli.CommandLine(command).parseArgs("--max-bytes", "5M", "--max-size", "4500K", "--min-size", "4K");

        assertThat(command.config().maxByteSize()).as("4500 KiB rounds up to the 5 MiB class: exactly the budget")
                .isEqualTo(4500L << 10);
    }

    private static BenchPlan benchPlan(String... args) {
        BenchCommand command = new BenchCommand();
        new picocli.CommandLine(command).parseArgs(args);
        return command.plan();
    }
}
