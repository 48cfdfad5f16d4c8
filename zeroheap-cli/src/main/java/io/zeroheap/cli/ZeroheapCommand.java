package io.zeroheap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;

/**
 * The {@code zeroheap} command and the program's entry point. Exit codes: 0 done, 1 a
 * violation ({@code stress}) or a failure, 2 bad arguments (the message, suggestions if an
 * option was misspelt, and a one-line hint to {@code --help}, on standard error, as git does).
 */
@Command(name = "zeroheap",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Off-heap buffers that are always zero-filled, at the speed of a pool: measure, stress and inspect.",
        subcommands = {BenchCommand.class, StressCommand.class, InfoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:a violation (stress) or a failure", "2:bad arguments"})
public final class ZeroheapCommand implements Callable<Integer> {

    /** Exit code of a violation or a failure. */
    public static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to do: a usage error, with the usage (exit code 2). */
    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        cmd.getErr().println("zeroheap: Missing command: bench, stress or info");
        cmd.getErr().print(cmd.getUsageMessage());
        cmd.getErr().flush();
        return spec.exitCodeOnInvalidInput();
    }

    /**
     * A usage error of {@code command} (exit code 2, the message and the usage on standard
     * error) about an option's value: {@code message} names the option, the value and what was
     * expected, e.g. {@code "--burst: 0 (expected: 1 to 4096)"}.
     */
    static ParameterException usageError(CommandSpec command, String message) {
        return new ParameterException(command.commandLine(), "Invalid value for option " + message);
    }

    /** The command's name as typed, e.g. {@code zeroheap bench}. */
    private static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName(" ");
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, charset("stdout.encoding"));
        PrintWriter err = new PrintWriter(System.err, true, charset("stderr.encoding"));
        int exitCode = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /**
     * Runs the command line, writing to {@code out} and {@code err}, and returns the exit code
     * (the entry point for tests).
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new ZeroheapCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(qualifiedName(cmd) + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
            cmd.getErr().println("Try '" + qualifiedName(cmd) + " --help' for more information.");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("zeroheap " + cmd.getCommandName() + ": failed: " + e);
            e.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return FAILED;
        });
        int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    private static Charset charset(String property) {
        try {
            String name = System.getProperty(property);
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
