package io.zeroheap.cli;

import java.io.Console;

/** Whether the process talks to a person: decides if progress bars and live lines are drawn in place. */
final class Terminal {

    private Terminal() {
    }

    /**
     * Whether a console is attached (standard input and output are a terminal; since JDK 22
     * {@link System#console()} may return a console that is not one).
     */
    static boolean isInteractive() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Decides from a {@code --progress}/{@code --no-progress} choice, {@code null} meaning "auto". */
    static boolean decide(Boolean forced) {
        return forced != null ? forced : isInteractive();
    }
}
