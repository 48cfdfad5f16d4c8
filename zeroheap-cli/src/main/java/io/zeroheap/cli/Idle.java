package io.zeroheap.cli;

import java.util.concurrent.locks.LockSupport;

/** The idle gap after a burst: the thread parks for the whole gap (a spurious wake-up parks again). */
final class Idle {

    private Idle() {
    }

    /** Parks the calling thread for at least {@code nanos}; returns at once for 0. */
    static void park(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0) {
            LockSupport.parkNanos(left);
            left = deadline - System.nanoTime();
        }
    }
}
