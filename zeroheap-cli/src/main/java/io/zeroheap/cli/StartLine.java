package io.zeroheap.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Where a cell's benchmark threads wait for each other between warm-up and measurement, so they
 * measure at the same time. A thread that fails {@linkplain #abort() aborts} the line, which
 * releases the others with {@code false} instead of leaving them waiting. Thread-safe: the
 * latch orders the arrivals; the abort flag is volatile and set before the latch is released.
 */
final class StartLine {

    private final CountDownLatch arrivals;
    private volatile boolean aborted;

    /** A line for {@code parties} threads. */
    StartLine(int parties) {
        arrivals = new CountDownLatch(parties);
    }

    /**
     * Arrives and waits for every other party.
     *
     * @return true to go on and measure, false if the line was aborted
     * @throws InterruptedException if interrupted while waiting
     */
    boolean arriveAndAwait() throws InterruptedException {
        arrivals.countDown();
        arrivals.await();
        return !aborted;
    }

    /** Releases every waiting and later party with {@code false}. */
    void abort() {
        aborted = true;
        while (arrivals.getCount() > 0) {
            arrivals.countDown();
        }
    }
}
