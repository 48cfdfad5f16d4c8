package io.zeroheap.cli;

/**
 * What one {@code zeroheap stress} run does.
 *
 * @param threads        allocating threads
 * @param durationNanos  how long they run
 * @param maxBytes       the heap's budget ({@code SystemHeap.Builder.maxBytes})
 * @param minByteSize    the smallest buffer, in bytes
 * @param maxByteSize    the largest buffer, in bytes (sizes are log-uniform in between)
 * @param fullCheckBytes buffers up to this many bytes are checked in full; see {@link Patterns}
 * @param queueDepth     buffers each thread's inbox holds, waiting to be checked and freed
 * @param seed           the seed of the threads' random choices
 * @param intervalNanos  how often the accounting identity is checked and the live line drawn
 * @param deferredFree   whether the heap defers its frees to its worker
 * @param fault          TEST ONLY: a deliberate fault (see {@link FaultInjection})
 * @param faultRate      the share of the heap's calls into the OS made to fail (0: none); see
 *                       {@code SystemHeap.Builder.injectFaults}
 */
public record StressConfig(
        int threads,
        long durationNanos,
        long maxBytes,
        long minByteSize,
        long maxByteSize,
        long fullCheckBytes,
        int queueDepth,
        long seed,
        long intervalNanos,
        boolean deferredFree,
        FaultInjection fault,
        double faultRate) {
}
