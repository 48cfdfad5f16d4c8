package io.zeroheap;

import io.zeroheap.modelcheck.ModelChecks;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.zeroheap.modelcheck.ModelChecks.actor;
import static io.zeroheap.modelcheck.ModelChecks.scenario;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model checks close() racing defer() with Lincheck. {@code defer} pushes, then reads
 * {@code closed}; {@code close} sets {@code closed}, then drains: either the final drain finds
 * the item, or the deferring thread sees the list closed and frees it itself. Whatever the
 * interleaving, once all threads are done each item's outcome, returned by {@link Model#outcomeOf},
 * is {@link Outcome#FREED_ONCE}: never left pending on the closed list, never freed twice.
 * (This list never rejects a defer after close; it frees on the caller.) The run counts who
 * freed the items across the interleavings, to show that both sides of the race were explored.
 */
class DeferredFreeListCloseLincheckTest {

    /** What became of an item once every thread is done. */
    public enum Outcome { FREED_ONCE, LEFT_PENDING, NOT_FREED, FREED_TWICE }

    @Test
    void anItemDeferredWhileTheListClosesShouldBeFreedOnceByTheCloseOrByItsDeferrerNeverLeftPending() {
        Class<?> model = Model.class;
        ModelChecks.Explored explored = ModelChecks.check("closeRacesDefer", model, new ModelCheckingOptions()
                .sequentialSpecification(Spec.class)
                .iterations(0).invocationsPerIteration(400)
                .addCustomScenario(scenario(List.of(),
                        List.of(List.of(actor(model, "defer", 0), actor(model, "defer", 1)),
                                List.of(actor(model, "close"))),
                        List.of(actor(model, "outcomeOf", 0), actor(model, "outcomeOf", 1))))
                .addCustomScenario(scenario(List.of(actor(model, "defer", 0)),
                        List.of(List.of(actor(model, "defer", 1)),
                                List.of(actor(model, "close")),
                                List.of(actor(model, "scan", 1))),
                        List.of(actor(model, "outcomeOf", 0), actor(model, "outcomeOf", 1)))));
        assertThat(explored.observations()).as("both sides of the race explored")
                .containsKeys("by close", "by its deferrer");
    }

    /** A list and two items, for Lincheck. */
    public static final class Model implements ModelChecks.Observing {
        private final DeferredFreeList list = DeferredFreeList.builder().buildWithoutWorker();
        private final Item[] items = {new Item(1), new Item(2)};
        private volatile Thread closer;

        public Model() {
            ModelChecks.invocationStarted(this);
        }

        @Operation
        public void defer(int index) {
            items[index].deferrer = Thread.currentThread();
            list.defer(items[index]);
        }

        @Operation
        public void close() {
            closer = Thread.currentThread();
            list.close();
        }

        @Operation
        public void scan(int nrPages) {
            list.scan(nrPages);
        }

        /** After all threads: what became of item {@code index}, deferred once. */
        @Operation
        public Outcome outcomeOf(int index) {
            Item item = items[index];
            int frees = item.frees.get();
            if (item.isPending()) {
                return Outcome.LEFT_PENDING;
            }
            if (frees != 1) {
                return frees == 0 ? Outcome.NOT_FREED : Outcome.FREED_TWICE;
            }
            return Outcome.FREED_ONCE;
        }

        /** Who freed the last item deferred: the close, its deferrer (which saw the list closed), or a scan. */
        @Override
        public String observation() {
            Item item = items[items.length - 1];
            Thread by = item.freedBy;
            return by == null ? null : by == closer ? "by close" : by == item.deferrer ? "by its deferrer" : "by a scan";
        }
    }

    /** An item that counts its frees and remembers the thread of the last one. */
    static final class Item extends DeferredFreeList.Item {
        final AtomicInteger frees = new AtomicInteger();
        volatile Thread freedBy;
        volatile Thread deferrer;

        Item(long nrPages) {
            super(nrPages, (item, reason) -> ((Item) item).freed());
        }

        private void freed() {
            freedBy = Thread.currentThread();
            frees.incrementAndGet();
        }
    }

    /** The sequential specification: whatever the order, each item ends freed once. */
    public static final class Spec {
        public Spec() {
        }

        public void defer(int index) {
        }

        public void close() {
        }

        public void scan(int nrPages) {
        }

        public Outcome outcomeOf(int index) {
            return Outcome.FREED_ONCE;
        }
    }
}
