package io.zeroheap.os;

import java.util.Locale;

/** Whether this JVM runs on Linux, where the native entry points of this package exist. */
final class Linux {

    private static final boolean CURRENT =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private Linux() {
    }

    /** Returns whether the operating system is Linux. */
    static boolean isCurrentOs() {
        return CURRENT;
    }
}
