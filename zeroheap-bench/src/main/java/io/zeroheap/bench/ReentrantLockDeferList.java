package io.zeroheap.bench;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Peer of {@link io.zeroheap.DeferredFreeList} in {@link DeferBenchmark}: the seed's design with
 * a {@link ReentrantLock} (non-fair) and a {@link Condition} instead of a monitor. An intrusive
 * FIFO list and its page count are guarded by the lock; {@code defer} appends under it and
 * signals only if the consumer is waiting. The nice-19 consumer pops one item at a time under
 * the lock and runs the free action outside it. Concurrency: {@code head}, {@code tail},
 * {@code pendingPages}, {@code consumerWaiting} and {@code closed} are guarded by {@code lock};
 * no wake-up is lost because the consumer re-checks the list under the lock before awaiting.
 * {@link #close()} lets the consumer free what is left, then joins it.
 */
final class ReentrantLockDeferList extends PeerDeferList {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private PeerItem head;
    private PeerItem tail;
    private long pendingPages;
    private boolean consumerWaiting;
    private boolean closed;
    private final Thread consumer;

    ReentrantLockDeferList() {
        consumer = ConsumerThreads.start("reentrantlock-deferred-free", this::runConsumer);
    }

    @Override
    public void defer(PeerItem item) {
        item.markPending();
        lock.lock();
        try {
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
                nonEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns the pages waiting to be freed. */
    long pendingPages() {
        lock.lock();
        try {
            return pendingPages;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("list: already closed");
            }
            closed = true;
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
        joinUninterruptibly(consumer);
    }

    private void runConsumer() {
        lowerConsumerPriority();
        while (true) {
            PeerItem item;
            lock.lock();
            try {
                while (head == null) {
                    if (closed) {
                        return;
                    }
                    consumerWaiting = true;
                    nonEmpty.awaitUninterruptibly();
                    consumerWaiting = false;
                }
                item = head;
                head = item.next;
                if (head == null) {
                    tail = null;
                }
                item.next = null;
                pendingPages -= item.nrPages;
            } finally {
                lock.unlock();
            }
            item.free();
        }
    }
}
