package io.zeroheap.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Peer of {@link io.zeroheap.DeferredFreeList} in {@link DeferBenchmark}: the textbook lock-free
 * design. Items go on a {@link ConcurrentLinkedQueue} (one node allocated per defer), the page
 * count is an {@link AtomicLong} added to before the offer and subtracted after the poll (so it
 * never reads negative), and the nice-19 consumer polls one item at a time and runs its free
 * action. Wake-up, as in the real list: the consumer sets {@code consumerParked}, re-checks the
 * queue, then parks; {@code defer} offers, then reads the flag and unparks only if it wins the
 * CAS that clears it. All accesses are volatile, so either the consumer sees the item or the
 * producer sees the flag. {@link #close()} lets the consumer free what is left, then joins it;
 * unlike the real list it must not race with {@code defer} (the benchmark closes after its
 * producers have stopped), which spares nothing on the {@code defer} path: both read a
 * volatile {@code closed} once.
 */
final class ConcurrentQueueDeferList extends PeerDeferList {

    private final ConcurrentLinkedQueue<PeerItem> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingPages = new AtomicLong();
    /** True while the consumer is parked or about to park; cleared by whoever wakes it. */
    private final AtomicBoolean consumerParked = new AtomicBoolean();
    private volatile boolean closed;
    private final Thread consumer;

    ConcurrentQueueDeferList() {
        consumer = ConsumerThreads.start("clq-deferred-free", this::runConsumer);
    }

    @Override
    public void defer(PeerItem item) {
        if (closed) {
            throw new IllegalStateException("list: closed (expected: open)");
        }
        item.markPending();
        pendingPages.addAndGet(item.nrPages);
        queue.offer(item);
        if (consumerParked.get() && consumerParked.compareAndSet(true, false)) {
            LockSupport.unpark(consumer);
        }
    }

    /** Returns the pages waiting to be freed (may include items being offered right now). */
    long pendingPages() {
        return pendingPages.get();
    }

    @Override
    public void close() {
        if (closed) {
            throw new IllegalStateException("list: already closed");
        }
        closed = true;
        consumerParked.set(false);
        LockSupport.unpark(consumer);
        joinUninterruptibly(consumer);
    }

    private void runConsumer() {
        lowerConsumerPriority();
        while (true) {
            PeerItem item = queue.poll();
            if (item != null) {
                pendingPages.addAndGet(-item.nrPages);
                item.free();
                continue;
            }
            if (closed) {
                return; // close() is called once producers have stopped: the queue stays empty
            }
            consumerParked.set(true);
            if (!queue.isEmpty() || closed) {
                consumerParked.set(false);
                continue;
            }
            LockSupport.park(this);
            consumerParked.set(false);
            Thread.interrupted(); // only close() stops the consumer
        }
    }
}
