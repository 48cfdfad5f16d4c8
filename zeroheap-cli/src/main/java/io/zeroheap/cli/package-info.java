/**
 * The {@code zeroheap} command line: {@code bench} (the seed's allocation benchmark with the
 * buffers really used: zeroheap against its peers and the physical floors, per use mode, regime
 * and thread count, with terminal tables, verdicts and an HTML report), {@code stress} (many
 * threads allocate, check, hand over and free buffers under a budget while the accounting
 * identity is checked) and {@code info} (what the platform gives zeroheap).
 *
 * <p>Picocli parses the arguments ({@link io.zeroheap.cli.ZeroheapCommand} is the entry
 * point); each command is a small type that builds a plan or a configuration and hands it to
 * the type that does the work ({@link io.zeroheap.cli.BenchRunner}, which runs each cell's
 * threads through {@code CellRun} and its loops; {@link io.zeroheap.cli.StressRun};
 * {@link io.zeroheap.cli.PlatformInfo}). Exit codes: 0 done, 1 a violation or failure, 2 bad
 * arguments.
 */
package io.zeroheap.cli;
