package io.zeroheap.bench;


/**
 * Peer of {@link io.zeroheap.DeferredFreeList} in {@link DeferBenchmark}: the seed's design in
 * plain Java. An intrusive FIFO list and its page count are guarded by one monitor (the
 * seed's spinlock); {@code defer} appends under it and calls {@code notify()} only if the
 * consumer is waiting (the seed's wait queue). The nice-19 consumer pops one item at a time
 * under the monitor and runs the free action outside it. Concurrency: {@code head},
 * {@code tail}, {@code pendingPages}, {@code consumerWaiting} and {@code closed} are guarded by
 * {@code lock}; the monitor's wait/notify cannot lose a wake-up because the waiter re-checks the
 * list under the same monitor. {@link #close()} lets the consumer free what is left, then joins it.
 */
final class SynchronizedDeferList extends PeerDeferList {

    private final Object lock = new Object();
    private PeerItem head;
    private PeerItem tail;
    private long pendingPages;
    private boolean consumerWaiting;
    private boolean closed;
    private final Thread consumer;

    SynchronizedDeferList() {
        consumer = ConsumerThreads.start("synchronized-deferred-free", this::runConsumer);
    }

    @Override
    public void defer(PeerItem item) {
        item.markPending();
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("list: closed (expected: open)");
            }
            if (tail == null) {
                head = item;
            } else {
                tail.next = item;
            }
            tail = item;
            pendingPages += item.nrPages;
            if (consumerWaiting) {
                consumerWaiting = false;
                lock.notify();
            }
        }
    }

    /** Returns the pages waiting to be freed. */
    long pendingPages() {
        synchronized (lock) {
            return pendingPages;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("list: already closed");
            }
            closed = true;
            lock.notify();
        }
        joinUninterruptibly(consumer);
    }

    private void runConsumer() {
        lowerConsumerPriority();
        while (true) {
            PeerItem item;
            synchronized (lock) {
                while (head == null) {
                    if (closed) {
                        return;
                    }
                    consumerWaiting = true;
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // Only close() stops the consumer.
                    }
                    consumerWaiting = false;
                }
                item = head;
                head = item.next;
                if (head == null) {
                    tail = null;
                }
                item.next = null;
                pendingPages -= item.nrPages;
            }
            item.free();
        }
    }
}
