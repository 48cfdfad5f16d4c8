package io.zeroheap.cli;

import io.zeroheap.HeapBuffer;

/**
 * Recognises the failures {@code --fault-rate} injects: their messages (or a cause's, or a
 * suppressed one's) start with {@code "injected fault: "}. Stateless.
 */
final class InjectedFaults {

    private InjectedFaults() {
    }

    /** Whether {@code failure} comes from an injected fault. */
    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("injected fault: ")) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (causedBy(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Closes {@code buffer}; a close that fails with an injected fault (a synchronous heap
     * frees on close) is counted, any other failure thrown.
     */
    static void closeCounting(HeapBuffer buffer, StressCounters counters) {
        try {
            buffer.close();
        } catch (IllegalStateException e) {
            if (!causedBy(e)) {
                throw e;
            }
            counters.faulted.increment();
        }
    }
}
