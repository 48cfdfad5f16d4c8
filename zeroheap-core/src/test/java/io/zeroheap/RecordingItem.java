package io.zeroheap;

import java.util.concurrent.atomic.AtomicInteger;

/** An item that records how often, why and on which thread it was freed. */
class RecordingItem extends DeferredFreeList.Item {

    static final DeferredFreeList.FreeAction RECORD = (item, reason) -> ((RecordingItem) item).record(reason);

    final AtomicInteger frees = new AtomicInteger();
    volatile FreeReason lastReason;
    volatile Thread lastThread;

    RecordingItem(long nrPages) {
        super(nrPages, RECORD);
    }

    private void record(FreeReason reason) {
        lastReason = reason;
        lastThread = Thread.currentThread();
        frees.incrementAndGet();
    }
}
