package io.zeroheap.cli;

/** An option value with a command-line id ({@link Regime}, {@link TouchMode}). */
interface Choice {

    /** The command-line id. */
    String id();
}
