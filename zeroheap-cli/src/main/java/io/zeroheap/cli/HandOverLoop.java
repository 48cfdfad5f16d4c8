package io.zeroheap.cli;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One pair of a hand-over cell: the calling thread (A) allocates a buffer and does the use on
 * it, then hands it through a bounded queue to a freeing thread (B) of its own, which reads one
 * byte per cache line and frees it; a producer and a consumer of buffers, as in a pipeline.
 *
 * <p><b>What is timed.</b> A's allocate + use, each operation on its own (the latency in the
 * tables); the hand-over itself is not (it is the queue's cost, not the allocator's; when the
 * queue is full, A waits there, untimed). Busy time runs from a burst's first allocation (or
 * the measurement's start, sustained) until B has freed every buffer handed to it, so the
 * throughput is the pair's. In burst regimes A waits for B to free the burst, calls
 * {@link Allocator#afterBurst()} and then idles for the gap: both threads are idle in it.
 * Warm-up, start line and end rules (busy limit included) as in {@link OwnBufferLoop}.
 *
 * <p><b>Threads.</b> A owns this instance; B only takes from the queue, frees, and releases one
 * permit of {@code freed} per buffer (the semaphore publishes the frees to A). A stops B with an
 * end marker, or by interrupting it if A fails; B's failure is published through the volatile
 * {@code failure} and ends A's waits (which poll it every 10 ms) with an exception.
 *
 * @param <B> the buffer type
 */
final class HandOverLoop<B> {

    private static final Object END = new Object();
    private static final long POLL_MILLIS = 10;
    private static final long SAMPLE_HELD_EVERY_NANOS = 10_000_000;

    private final HandOverAllocator<B> allocator;
    private final int byteSize;
    private final BufferUse use;
    private final Regime regime;
    private final CellBudget budget;
    private final Cell cell;
    private final BlockingQueue<Object> queue;
    private final Semaphore freed = new Semaphore(0);
    private volatile Throwable failure;
    private long handed;
    private long readSink;

    HandOverLoop(HandOverAllocator<B> allocator, Cell cell, CellBudget budget) {
        this.allocator = allocator;
        this.cell = cell;
        this.byteSize = Math.toIntExact(cell.byteSize());
        this.use = cell.use();
        this.regime = cell.regime();
        this.budget = budget;
        this.queue = new ArrayBlockingQueue<>(Math.max(16, regime.burstLength()));
    }

    /**
     * Starts the freeing thread, warms up, waits at {@code line}, measures, stops the freeing
     * thread.
     *
     * @param name the freeing thread's name
     * @return what was measured, or null if the line was aborted
     * @throws InterruptedException if interrupted while waiting
     */
    LoopTally run(StartLine line, String name) throws InterruptedException {
        allocator.prepare(cell);
        Thread freer = Thread.ofPlatform().name(name).daemon().start(this::free);
        boolean stopped = false;
        try {
            long warmupSink = warmUp();
            if (!line.arriveAndAwait()) {
                return null;
            }
            LoopTally tally = regime.isBurst() ? measureBursts() : measureSustained();
            hand(END);
            stopped = true;
            freer.join();
            throwIfFreerFailed();
            tally.sink += warmupSink + readSink;
            return tally;
        } finally {
            if (!stopped) {
                freer.interrupt();
                freer.join();
            }
        }
    }

    /** B: takes, reads, frees, until the end marker. */
    @SuppressWarnings("unchecked")
    private void free() {
        long sum = 0;
        try {
            for (Object next = queue.take(); next != END; next = queue.take()) {
                B buffer = (B) next;
                try {
                    sum += BufferWork.readLines(allocator.segment(buffer));
                } finally {
                    allocator.free(buffer);
                }
                freed.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // A failed and stops us; buffers still queued die with the allocator
        } catch (Throwable e) {
            failure = e;
        }
        readSink = sum; // read by A after join
    }

    private long warmUp() throws InterruptedException {
        long value = 0;
        long start = System.nanoTime();
        long ops = 0;
        boolean done = false;
        while (!done) {
            int length = regime.isBurst() ? regime.burstLength() : Integer.MAX_VALUE;
            for (int i = 0; i < length && !done; i++) {
                B buffer = allocator.allocate(byteSize);
                value += use.apply(allocator.segment(buffer));
                hand(buffer);
                ops++;
                done = budget.warmupDone(System.nanoTime() - start, ops);
            }
            awaitFreed();
            allocator.afterBurst();
            Idle.park(regime.gapNanos());
            done = budget.warmupDone(System.nanoTime() - start, ops);
        }
        return value;
    }

    private LoopTally measureSustained() throws InterruptedException {
        LoopTally tally = new LoopTally();
        long value = 0;
        long start = System.nanoTime();
        long lastSample = start;
        long t1;
        long ops = 0;
        do {
            long t0 = System.nanoTime();
            B buffer = allocator.allocate(byteSize);
            value += use.apply(allocator.segment(buffer));
            t1 = System.nanoTime();
            tally.histogram.recordValue(t1 - t0);
            hand(buffer);
            ops++;
            if (t1 - lastSample >= SAMPLE_HELD_EVERY_NANOS) {
                tally.sampleHeld(allocator);
                lastSample = System.nanoTime();
            }
        } while (!budget.sustainedDone(t1 - start, ops));
        tally.sampleHeld(allocator);
        awaitFreed();
        tally.busyNanos = System.nanoTime() - start;
        tally.operations = ops;
        tally.sink = value;
        return tally;
    }

    private LoopTally measureBursts() throws InterruptedException {
        LoopTally tally = new LoopTally();
        long value = 0;
        long start = System.nanoTime();
        boolean busyLimit = false;
        while (true) {
            long burstStart = System.nanoTime();
            int i = 0;
            while (i < regime.burstLength() && !busyLimit) {
                long t0 = System.nanoTime();
                B buffer = allocator.allocate(byteSize);
                value += use.apply(allocator.segment(buffer));
                long t1 = System.nanoTime();
                tally.histogram.recordValue(t1 - t0);
                hand(buffer);
                i++;
                busyLimit = budget.busyLimitReached(tally.busyNanos + (t1 - burstStart), tally.operations + i);
            }
            tally.sampleHeld(allocator);
            awaitFreed();
            tally.busyNanos += System.nanoTime() - burstStart;
            tally.operations += i;
            tally.bursts += i == regime.burstLength() ? 1 : 0;
            allocator.afterBurst();
            if (busyLimit || budget.burstsDone(System.nanoTime() - start, tally.operations, tally.bursts)) {
                break;
            }
            Idle.park(regime.gapNanos());
        }
        tally.sink = value;
        return tally;
    }

    /** Puts a buffer (or the end marker) on the queue, waiting while it is full. */
    private void hand(Object item) throws InterruptedException {
        while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            throwIfFreerFailed();
        }
        if (item != END) {
            handed++;
        }
    }

    /** Waits until B has freed every buffer handed to it so far. */
    private void awaitFreed() throws InterruptedException {
        while (handed > 0) {
            int permits = (int) Math.min(handed, Integer.MAX_VALUE);
            if (freed.tryAcquire(permits, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                handed -= permits;
            } else {
                throwIfFreerFailed();
            }
        }
    }

    private void throwIfFreerFailed() {
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("the freeing thread failed", f);
        }
    }
}
