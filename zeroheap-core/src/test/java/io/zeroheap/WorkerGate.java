package io.zeroheap;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A deferred item whose free action holds the freeing thread (normally the worker) until the
 * test opens the gate: while it is held, only the test's own scans and drains free items, so
 * tests can count exactly.
 */
final class WorkerGate extends DeferredFreeList.Item implements AutoCloseable {

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile Thread holder;

    WorkerGate() {
        super(0, (item, reason) -> ((WorkerGate) item).hold());
    }

    /** Defers this gate on {@code list} and waits until a freer (the worker) is held in it. */
    static WorkerGate holdWorker(DeferredFreeList list) throws InterruptedException {
        WorkerGate gate = new WorkerGate();
        list.defer(gate);
        if (!gate.entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the worker did not reach the gate within 10 s");
        }
        return gate;
    }

    Thread holder() {
        return holder;
    }

    private void hold() {
        holder = Thread.currentThread();
        entered.countDown();
        try {
            if (!opened.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the gate; the held thread goes on. */
    @Override
    public void close() {
        opened.countDown();
    }
}
