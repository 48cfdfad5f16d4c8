package io.zeroheap;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producers, the worker, a scanner and drains all at once, with exact accounting at the end:
 * every item freed exactly once, with the reason that matches the thread that freed it.
 */
class DeferredFreeListStressTest {

    private static final int PRODUCERS = 2;
    private static final int ITEMS_PER_PRODUCER = 500_000;

    /** Item with an index into the test's tallies. */
    private static final class IndexedItem extends DeferredFreeList.Item {
        final int index;

        IndexedItem(int index, long nrPages, DeferredFreeList.FreeAction action) {
            super(nrPages, action);
            this.index = index;
        }
    }

    @Test
    void shouldFreeEachOfAMillionItemsExactlyOnceWhileAScannerRuns() throws Exception {
        int total = PRODUCERS * ITEMS_PER_PRODUCER;
        AtomicIntegerArray frees = new AtomicIntegerArray(total);
        AtomicLong wrongReason = new AtomicLong();
        LongAdder normalPages = new LongAdder();
        LongAdder pressurePages = new LongAdder();
        AtomicBoolean scanning = new AtomicBoolean(true);
        String workerName = "stress-deferred-free";
        ThreadLocal<Boolean> isScanner = ThreadLocal.withInitial(() -> false);

        DeferredFreeList.FreeAction action = (item, reason) -> {
            IndexedItem indexed = (IndexedItem) item;
            frees.incrementAndGet(indexed.index);
            boolean expectedPressure = isScanner.get();
            if ((reason == FreeReason.UNDER_PRESSURE) != expectedPressure) {
                wrongReason.incrementAndGet();
            }
            (reason == FreeReason.NORMAL ? normalPages : pressurePages).add(item.nrPages());
        };

        try (DeferredFreeList list = DeferredFreeList.builder().workerName(workerName).build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int first = p * ITEMS_PER_PRODUCER;
                producers.add(Thread.ofPlatform().name("producer-" + p).start(() -> {
                    await(start);
                    for (int i = first; i < first + ITEMS_PER_PRODUCER; i++) {
                        list.defer(new IndexedItem(i, i % 5, action));
                        if (i % 100_000 == 0) {
                            list.drain(); // drains race the worker and the scanner too
                        }
                    }
                }));
            }
            AtomicLong scannedPages = new AtomicLong();
            Thread scanner = Thread.ofPlatform().name("scanner").start(() -> {
                isScanner.set(true);
                await(start);
                while (scanning.get()) {
                    scannedPages.addAndGet(list.scan(64));
                    Thread.onSpinWait();
                }
            });

            start.countDown();
            for (Thread producer : producers) {
                producer.join(TimeUnit.MINUTES.toMillis(2));
                assertThat(producer.isAlive()).isFalse();
            }
            scanning.set(false);
            scanner.join(TimeUnit.MINUTES.toMillis(1));
            list.drain();

            DeferredFreeStats stats = list.stats();
            long expectedPages = 0;
            for (int i = 0; i < total; i++) {
                expectedPages += i % 5;
            }
            int notOnce = 0;
            for (int i = 0; i < total; i++) {
                if (frees.get(i) != 1) {
                    notOnce++;
                }
            }
            assertThat(notOnce).as("items not freed exactly once").isZero();
            assertThat(wrongReason.get()).as("UNDER_PRESSURE exactly on the scanner, NORMAL elsewhere").isZero();
            assertThat(stats.deferredItems()).isEqualTo(total);
            assertThat(stats.deferredPages()).isEqualTo(expectedPages);
            assertThat(stats.normalFrees() + stats.pressureFrees()).isEqualTo(total);
            assertThat(stats.normalFreedPages()).isEqualTo(normalPages.sum());
            assertThat(stats.pressureFreedPages()).isEqualTo(pressurePages.sum()).isEqualTo(scannedPages.get());
            assertThat(stats.failedFrees()).isZero();
            assertThat(stats.pendingItems()).isZero();
            assertThat(stats.pendingPages()).isZero();
            assertThat(stats.freeingItems()).isZero();
            DeferredFreeListTest.assertBalanced(stats);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("start latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
