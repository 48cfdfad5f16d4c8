package io.zeroheap.cli;

import java.io.PrintWriter;

/**
 * How {@code zeroheap bench} shows progress on standard error: a bar redrawn in place on a
 * terminal ({@link ProgressBar}), one line per cell otherwise ({@link ProgressLines}, so a run
 * piped to a file still shows on the console, or in a log, how far it got), or nothing.
 */
interface Progress extends BenchRunner.Listener {

    /** Removes whatever is drawn in place, so other output can be printed (nothing for line output). */
    void clear();

    /**
     * The progress for a {@code --progress}/{@code --no-progress} choice: forced on, a bar;
     * forced off, nothing; {@code null} ("auto"), a bar when a console is attached, else lines.
     */
    static Progress create(PrintWriter err, Boolean forced) {
        if (forced == null) {
            return Terminal.isInteractive() ? new ProgressBar(err, true) : new ProgressLines(err);
        }
        return new ProgressBar(err, forced);
    }
}
