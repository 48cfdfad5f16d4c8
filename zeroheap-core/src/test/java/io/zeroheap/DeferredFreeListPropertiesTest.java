package io.zeroheap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules of the list that hold for every sequence of defers and scans, checked against a model
 * (a FIFO of page counts). The worker is held in a gate, so only the scans free.
 */
class DeferredFreeListPropertiesTest {

    private static DeferredFreeList list;

    @BeforeAll
    static void createList() {
        list = DeferredFreeList.builder().workerName("properties-deferred-free").build();
    }

    @AfterAll
    static void closeList() {
        list.close();
    }

    sealed interface Op permits Defer, Scan {
    }

    record Defer(long nrPages) implements Op {
    }

    record Scan(long nrToScan) implements Op {
    }

    @SuppressWarnings("unchecked")
    static Gen<List<Op>> operations() {
        Gen<Op> defer = Theories.longs(0, 64).map(Defer::new);
        Gen<Op> scan = Theories.longs(0, 200).map(Scan::new);
        return Theories.lists(Generate.frequency(
                Pair.of(3, defer),
                Pair.of(1, scan)), 0, 60);
    }

    @Test
    void scansFreeOldestFirstAndAccountingMatchesTheModel() {
        Theories.qt(200).forAll(operations()).checkAssert(ops -> {
            try {
                check(ops);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    private static void check(List<Op> ops) throws InterruptedException {
        list.drain(); // a falsified try (shrinking runs many) may have left items behind
        DeferredFreeStats before = list.stats();
        Deque<RecordingItem> model = new ArrayDeque<>();
        List<RecordingItem> all = new ArrayList<>();
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            for (Op op : ops) {
                switch (op) {
                    case Defer d -> {
                        RecordingItem item = new RecordingItem(d.nrPages());
                        list.defer(item);
                        model.addLast(item);
                        all.add(item);
                    }
                    case Scan s -> {
                        long expected = 0;
                        List<RecordingItem> expectedFreed = new ArrayList<>();
                        while (expected < s.nrToScan() && !model.isEmpty()) {
                            RecordingItem item = model.removeFirst();
                            expected += item.nrPages();
                            expectedFreed.add(item);
                        }
                        assertThat(list.scan(s.nrToScan())).isEqualTo(expected);
                        assertThat(expectedFreed).allSatisfy(item -> {
                            assertThat(item.frees.get()).isEqualTo(1);
                            assertThat(item.lastReason).isEqualTo(FreeReason.UNDER_PRESSURE);
                        });
                        if (expected < s.nrToScan()) {
                            assertThat(list.pendingPages()).as("a short scan empties the list").isZero();
                        }
                    }
                }
                assertThat(list.pendingPages()).isEqualTo(model.stream().mapToLong(RecordingItem::nrPages).sum());
                DeferredFreeListTest.assertBalanced(list.stats());
            }
            assertThat(model).allSatisfy(item -> assertThat(item.frees.get()).isZero());
        }
        list.drain();
        assertThat(all).allSatisfy(item -> assertThat(item.frees.get()).isEqualTo(1));
        DeferredFreeStats after = list.stats();
        long deferredPages = all.stream().mapToLong(RecordingItem::nrPages).sum();
        assertThat(after.deferredPages() - before.deferredPages()).isEqualTo(deferredPages);
        assertThat(after.deferredItems() - before.deferredItems()).isEqualTo(all.size() + 1); // + the gate
        assertThat(after.pendingPages()).isZero();
    }
}
