package io.zeroheap.cli;

import java.util.concurrent.atomic.LongAdder;

/** What the stress threads did, summed over threads; written by the threads, read by the monitor. */
final class StressCounters {
    /** Buffers and arena segments allocated and found zero. */
    final LongAdder allocations = new LongAdder();
    /** Bytes of those allocations. */
    final LongAdder allocatedBytes = new LongAdder();
    /** Buffers handed to another thread (a retained extra reference counts once). */
    final LongAdder handedOver = new LongAdder();
    /** Buffers received from another thread, found intact and closed. */
    final LongAdder received = new LongAdder();
    /** Allocations refused at the budget ({@code HeapOutOfMemoryError}). */
    final LongAdder refused = new LongAdder();
    /** Allocations, closes and frees that failed with an injected fault ({@code --fault-rate}), clearly. */
    final LongAdder faulted = new LongAdder();
}
