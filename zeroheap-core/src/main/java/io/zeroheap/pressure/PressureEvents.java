package io.zeroheap.pressure;

import java.io.IOException;

/**
 * Something the reclaim thread waits on for pressure events: a PSI trigger in production
 * ({@code io.zeroheap.os.PsiTrigger}), a queue in tests.
 *
 * <p>Thread-safety: {@link #await} is called by one thread; {@link #wakeUp} and
 * {@link #close} from any thread.
 */
public interface PressureEvents extends AutoCloseable {

    /**
     * Waits up to {@code timeoutMillis} for an event.
     *
     * @param timeoutMillis the longest wait in milliseconds, {@code >= 0}
     * @return true if an event arrived; false on timeout, {@link #wakeUp} or once closed
     * @throws IOException if the source is gone for good (the caller stops waiting on it)
     */
    boolean await(int timeoutMillis) throws IOException;

    /** Makes a running or the next {@link #await} return at once. */
    void wakeUp();

    /** Returns what the events come from, such as {@code /proc/pressure/memory: some 200000 2000000}. */
    String describe();

    /** Stops the source and wakes the waiter; idempotent. */
    @Override
    void close();
}
