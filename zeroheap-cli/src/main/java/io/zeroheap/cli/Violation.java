package io.zeroheap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first violation a stress run saw; later ones are dropped. Any thread may report; the
 * first report wins (one CAS) and wakes whoever {@linkplain #await waits}.
 */
final class Violation {

    private final AtomicReference<String> first = new AtomicReference<>();
    private final CountDownLatch seen = new CountDownLatch(1);

    /** Records {@code what} if nothing was recorded before. */
    void report(String what) {
        if (first.compareAndSet(null, what)) {
            seen.countDown();
        }
    }

    /** Whether a violation was recorded. */
    boolean seen() {
        return first.get() != null;
    }

    /** What the first violation was, or {@code null}. */
    String what() {
        return first.get();
    }

    /** Waits up to {@code nanos} for a violation; returns whether one was recorded. */
    boolean await(long nanos) throws InterruptedException {
        return seen.await(nanos, TimeUnit.NANOSECONDS);
    }
}
