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
        "bench --reference jemalloc                       | Invalid value for option '--reference': unknown allocator 'jemalloc' | zeroheap bench",
        "bench --report r.html --no-report                | --no-report: given with --report r.html (expected: one of them, not both) | zeroheap bench",
        "bench --regime steady                            | --regime: 'steady' (expected one of: burst, sustained, both) | zeroheap bench",
        "bench --touch sometimes                          | --touch: 'sometimes'                           | zeroheap bench",
        "bench --measure soon                             | 'soon' is not a duration                       | zeroheap bench",
        "bench --measure 0ms                              | --measure: 0                                   | zeroheap bench",
        "bench --burst 0                                  | --burst: 0 (expected: 1 to 4096)               | zeroheap bench",
        "bench -a confined-arena --reference netty-stale  | --reference: netty-stale is not among          | zeroheap bench",
        "stress --threads 0                               | --threads: 0 (expected: 1 to 1024)             | zeroheap stress",
        "stress --min-size 1M --max-size 4K               | --max-size: 4 KiB (expected: >= --min-size 1 MiB) | zeroheap stress",
        "stress --max-bytes 1M --max-size 4M              | --max-size: 4 MiB (expected: <= --max-bytes 1 MiB) | zeroheap stress",
        "stress --max-bytes 4500K --max-size 4500K        | --max-size: 4500 KiB rounds up to its size class of 5 MiB, above --max-bytes 4500 KiB | zeroheap stress",
        "stress --max-bytes 8K --max-size 4K              | --max-bytes: 8 KiB is below the 16 KiB slab a heap arena slices buffers of up to half a page from | zeroheap stress",
        "stress --full-check-below 4K                     | --full-check-below: 4 KiB (expected: >= 128 KiB) | zeroheap stress",
        "stress --duration forever                        | 'forever' is not a duration                    | zeroheap stress",
        "stress --inject-fault everything                 | --inject-fault                                 | zeroheap stress",
        "info --verbose                                   | Unknown option: '--verbose'                    | zeroheap info",
    })
    void shouldExitTwoWithMessageAndUsageOnBadArguments(String args, String message, String usage) {
        Cli.Run run = Cli.run(args.strip().split("\\s+"));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message.strip()).contains("Usage: " + usage.strip());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldBuildTheDefaultPlan() {
        BenchPlan plan = benchPlan();

        assertThat(plan.byteSizes()).containsExactly(4096L, 65536L, 1L << 20, 8L << 20, 32L << 20);
        assertThat(plan.allocators()).containsExactly(AllocatorKind.values());
        assertThat(plan.regimes()).containsExactly(Regime.BURST, Regime.SUSTAINED);
        assertThat(plan.touchModes()).containsExactly(TouchMode.TOUCHED);
        assertThat(plan.reference()).isEqualTo(AllocatorKind.ZEROHEAP_ARENA);
        assertThat(plan.burstLength()).isEqualTo(16);
        assertThat(plan.warmupNanos()).isEqualTo(50_000_000);
        assertThat(plan.measureNanos()).isEqualTo(200_000_000);
        assertThat(plan.pauseNanos()).isEqualTo(5_000_000);
        assertThat(plan.cellCount()).isEqualTo(90);
    }

    @Test
    void shouldRunLongerWithFullUnlessATimeIsGiven() {
        BenchPlan plan = benchPlan("--full", "--warmup", "100ms");

        assertThat(plan.warmupNanos()).isEqualTo(100_000_000);
        assertThat(plan.measureNanos()).isEqualTo(2_000_000_000);
        assertThat(plan.pauseNanos()).isEqualTo(20_000_000);
    }

    @Test
    void shouldTakeSizesAllocatorsRegimeAndTouchFromOptions() {
        BenchPlan plan = benchPlan("--sizes", "4095,4K,1.5m", "-a", "netty-zeroed,zeroheap-buffer,netty-zeroed",
                "--regime", "sustained", "--touch", "both", "--burst", "4");

        assertThat(plan.byteSizes()).containsExactly(4095L, 4096L, 1536L << 10);
        assertThat(plan.allocators()).containsExactly(AllocatorKind.NETTY_ZEROED, AllocatorKind.ZEROHEAP_BUFFER);
        assertThat(plan.reference()).as("the first zeroheap allocator when zeroheap-arena is not measured")
                .isEqualTo(AllocatorKind.ZEROHEAP_BUFFER);
        assertThat(plan.regimes()).containsExactly(Regime.SUSTAINED);
        assertThat(plan.touchModes()).containsExactly(TouchMode.TOUCHED, TouchMode.UNTOUCHED);
        assertThat(plan.burstLength()).isEqualTo(4);
    }

    @Test
    void shouldTakeStressSettingsFromOptions() {
        StressCommand command = new StressCommand();
        new picocli.CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs("-t", "3", "-d", "1.5", "--max-bytes", "64M", "--min-size", "1K", "--max-size", "1M",
                        "--seed", "42", "--no-deferred-free", "--inject-fault", "accounting");
        StressConfig config = command.config();

        assertThat(config).isEqualTo(new StressConfig(3, 1_500_000_000L, 64L << 20, 1024, 1L << 20, 256L << 10, 16, 42,
                1_000_000_000L, false, FaultInjection.ACCOUNTING));
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
