package io.zeroheap.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the zeroheap command line in this JVM and captures what it printed. */
final class Cli {

    /** What one run returned and printed. */
    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ZeroheapCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
