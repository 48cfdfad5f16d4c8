package io.zeroheap.cli;

import io.zeroheap.HeapStats;
import io.zeroheap.SystemHeap;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@code zeroheap stress}: starts the {@link StressWorker}s on a heap with the
 * configured budget, and on the calling thread, every interval, checks the accounting identity
 * of a {@link HeapStats} snapshot ({@code allocated + pooled + pending == reserved}, reserved
 * within the budget, no failed frees) and draws the live line. At the end it stops the
 * threads, closes what they handed over, drains the heap, checks that nothing is left
 * allocated or pending, and closes the heap. Stops at the first violation.
 *
 * <p>Threads: an instance is used once, by the thread that calls {@link #run()}; its own
 * fields ({@code checks}, the peaks) are confined to that thread. With the workers it shares
 * only the heap (thread-safe), the inboxes (thread-safe queues), the counters (adders), the
 * stop flag (an {@code AtomicBoolean}: set once, at the end) and the {@link Violation} (first
 * report wins). Buffers left in the inboxes are closed on the calling thread only once every
 * worker has stopped, so no buffer is closed by two threads.
 */
final class StressRun {

    /** How long the threads get to stop, and the heap to drain, at the end. */
    private static final long STOP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final StressConfig config;
    private final PrintWriter out;
    private final PrintWriter live;
    private final boolean inPlace;
    private final Violation violation = new Violation();
    private final StressCounters counters = new StressCounters();
    private final AtomicBoolean stop = new AtomicBoolean();
    private int checks;
    private long peakReserved;
    private long peakRss;

    /**
     * @param out     where the header and the summary go (standard output)
     * @param live    where the live line goes
     * @param inPlace whether the live line is redrawn in place (a console) or printed once per interval
     */
    StressRun(StressConfig config, PrintWriter out, PrintWriter live, boolean inPlace) {
        this.config = config;
        this.out = out;
        this.live = live;
        this.inPlace = inPlace;
    }

    /**
     * Runs to the end or the first violation; returns the violation, or {@code null} if there
     * was none. The heap is closed and the threads are stopped on every path, a failure to
     * start a thread included.
     */
    String run() throws InterruptedException {
        long start = System.nanoTime();
        List<BlockingQueue<StressWorker.Envelope>> inboxes = new ArrayList<>();
        for (int i = 0; i < config.threads(); i++) {
            inboxes.add(new ArrayBlockingQueue<>(config.queueDepth()));
        }
        List<Thread> threads = new ArrayList<>();
        SystemHeap heap = SystemHeap.builder().name("zeroheap-stress").maxBytes(config.maxBytes())
                .deferredFree(config.deferredFree()).register(false)
                .injectFaults(config.faultRate(), config.seed()).build();
        HeapStats last;
        try {
            try {
                for (int i = 0; i < config.threads(); i++) {
                    threads.add(Thread.ofPlatform().name("zeroheap-stress-" + i).daemon()
                            .start(new StressWorker(i, config, heap, inboxes, counters, stop, violation)));
                }
                watch(heap, start);
            } finally {
                heap.stopInjectingFaults(); // the stop, the end check and the close run without faults
                stopThreads(threads, inboxes);
            }
            if (!violation.seen()) {
                checkEnd(heap);
            }
            last = heap.stats();
        } finally {
            heap.close();
        }
        long leftover = heap.stats().reservedBytes();
        if (!violation.seen() && leftover != 0) {
            violation.report("the closed heap still holds " + leftover + " bytes from the OS (expected 0)");
        }
        summary(System.nanoTime() - start, last, heap.injectedFaults());
        return violation.what();
    }

    /** On the calling thread, every interval until the time is up or a violation is seen: the accounting check and the live line. */
    private void watch(SystemHeap heap, long start) throws InterruptedException {
        long lastAllocations = 0;
        long lastTick = start;
        while (!violation.seen()) {
            long remaining = config.durationNanos() - (System.nanoTime() - start);
            if (remaining <= 0 || violation.await(Math.min(config.intervalNanos(), remaining))) {
                return;
            }
            long now = System.nanoTime();
            HeapStats stats = heap.stats();
            checkAccounting(stats, config.fault() == FaultInjection.ACCOUNTING && checks == 0);
            long allocations = counters.allocations.sum();
            drawLive(now - start, (allocations - lastAllocations) * 1e9 / (now - lastTick), stats);
            lastAllocations = allocations;
            lastTick = now;
        }
    }

    /**
     * Tells the threads to stop and waits for all of them against one deadline
     * ({@link #STOP_TIMEOUT_NANOS} from now, not per thread), then, if all of them stopped,
     * closes what they left in the inboxes. A thread that does not stop in time is a violation.
     */
    private void stopThreads(List<Thread> threads, List<BlockingQueue<StressWorker.Envelope>> inboxes) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        boolean allStopped = true;
        for (Thread thread : threads) {
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                thread.join(Duration.ofNanos(remaining));
            }
            if (thread.isAlive()) {
                allStopped = false;
                violation.report(thread.getName() + " did not stop within " + Durations.latency(STOP_TIMEOUT_NANOS)
                        + " of being told to");
            }
        }
        if (inPlace) {
            live.println();
            live.flush();
        }
        if (!allStopped) {
            return; // a live worker may still take from the inboxes: leave them to it and the heap's close
        }
        for (BlockingQueue<StressWorker.Envelope> inbox : inboxes) {
            StressWorker.Envelope envelope;
            while ((envelope = inbox.poll()) != null) {
                envelope.buffer().close();
            }
        }
    }

    /** The identity, the budget and failed frees, in one snapshot. */
    private void checkAccounting(HeapStats stats, boolean injectFault) {
        checks++;
        long allocated = stats.allocatedBytes() + (injectFault ? stats.pageSize() : 0);
        String injected = injectFault
                ? " [fault injected by --inject-fault=accounting: the run added one page to allocatedBytes itself]" : "";
        long sum = allocated + stats.pooledBytes() + stats.pendingBytes();
        if (sum != stats.reservedBytes()) {
            violation.report(String.format(Locale.ROOT,
                    "accounting identity broken in snapshot %d: allocated %d + pooled %d + pending %d = %d bytes, but reserved is %d (off by %d)%s",
                    checks, allocated, stats.pooledBytes(), stats.pendingBytes(), sum, stats.reservedBytes(), sum - stats.reservedBytes(), injected));
        } else if (stats.allocatedBytes() < 0 || stats.pooledBytes() < 0 || stats.pendingBytes() < 0) {
            violation.report(String.format(Locale.ROOT, "a negative figure in snapshot %d: allocated %d, pooled %d, pending %d",
                    checks, stats.allocatedBytes(), stats.pooledBytes(), stats.pendingBytes()));
        } else if (stats.reservedBytes() > config.maxBytes()) {
            violation.report(String.format(Locale.ROOT, "the heap holds %d bytes from the OS, above its budget of %d (snapshot %d)",
                    stats.reservedBytes(), config.maxBytes(), checks));
        } else if (stats.failedFrees() > 0 && config.faultRate() == 0) { // with injected faults: counted, expected
            violation.report(stats.failedFrees() + " free actions threw (HeapStats.failedFrees, snapshot " + checks + ")");
        }
        peakReserved = Math.max(peakReserved, stats.reservedBytes());
    }

    /** With every buffer closed and the heap drained, nothing may be left allocated or pending. */
    private void checkEnd(SystemHeap heap) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        HeapStats stats;
        do {
            heap.drain();
            stats = heap.stats();
            if (stats.allocatedBytes() == 0 && stats.pendingBytes() == 0) {
                break;
            }
            Thread.sleep(10);
        } while (System.nanoTime() - deadline < 0);
        checkAccounting(stats, false);
        if (!violation.seen() && (stats.allocatedBytes() != 0 || stats.pendingBytes() != 0)) {
            violation.report(String.format(Locale.ROOT,
                    "after every buffer was closed and the heap drained: allocated %d and pending %d bytes (expected 0 and 0)",
                    stats.allocatedBytes(), stats.pendingBytes()));
        }
    }

    private void drawLive(long elapsedNanos, double allocationsPerSecond, HeapStats stats) {
        long rss = PlatformInfo.rssBytes();
        peakRss = Math.max(peakRss, rss);
        String line = String.format(Locale.ROOT,
                "%5.1f s  %s allocs/s  in use %s  pooled %s  pending %s  reserved %s of %s  RSS %s  identity ok (%d checks)",
                elapsedNanos / 1e9, Numbers.rate(allocationsPerSecond), ByteSizes.approximate(stats.allocatedBytes()),
                ByteSizes.approximate(stats.pooledBytes()), ByteSizes.approximate(stats.pendingBytes()),
                ByteSizes.approximate(stats.reservedBytes()), ByteSizes.approximate(config.maxBytes()),
                rss < 0 ? "?" : ByteSizes.approximate(rss), checks);
        if (violation.seen()) {
            return;
        }
        if (inPlace) {
            live.print("\r" + line);
        } else {
            live.println(line);
        }
        live.flush();
    }

    private void summary(long elapsedNanos, HeapStats last, long injectedFaults) {
        peakRss = Math.max(peakRss, PlatformInfo.rssBytes());
        long allocations = counters.allocations.sum();
        out.println(String.format(Locale.ROOT,
                "%s after %.1f s: %d allocations (%s/s, %s), %d handed to another thread, %d received intact, %d refused at the budget;"
                        + " %d accounting checks; peak reserved %s of %s, peak RSS %s; pool hits %d, misses %d, pressure frees %d",
                violation.seen() ? "stopped" : "ok", elapsedNanos / 1e9, allocations, Numbers.rate(allocations * 1e9 / elapsedNanos),
                ByteSizes.approximate(counters.allocatedBytes.sum()), counters.handedOver.sum(), counters.received.sum(),
                counters.refused.sum(), checks, ByteSizes.approximate(peakReserved), ByteSizes.approximate(config.maxBytes()),
                peakRss <= 0 ? "?" : ByteSizes.approximate(peakRss), last.poolHits(), last.poolMisses(), last.pressureFrees()));
        if (config.faultRate() > 0) {
            out.println(String.format(Locale.ROOT, "faults: %d injected (rate %s); %d operations failed clearly with one,"
                            + " %d frees failed and were counted, %d allocations failed and were counted; %s",
                    injectedFaults, config.faultRate(), counters.faulted.sum(), last.failedFrees(), last.allocationFailures(),
                    violation.seen() ? "see the violation" : "pages lost: 0 (the accounts balanced at every check and at the end)"));
        }
        out.flush();
    }
}
