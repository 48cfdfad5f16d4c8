package io.zeroheap;

import io.zeroheap.modelcheck.ModelChecks;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.zeroheap.modelcheck.ModelChecks.actor;
import static io.zeroheap.modelcheck.ModelChecks.scenario;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model checks the deferred list's consumer protocols with Lincheck: the lock-free intake stack
 * (defer's CAS push; a consumer's swap, or a helper's pop of the newest item), the queue behind
 * it, drain()'s marker and the close. Three reusable items (1 and 2 pages that helpers may free,
 * a heavy one of 4 pages they may not) are deferred, helped, scanned, drained and closed from
 * several threads; their free actions have a switch point between start and end, so a drain
 * can find one running on another thread.
 *
 * <p>What must hold, in every interleaving explored: each accepted deferral is freed exactly
 * once or is still pending (never lost, never freed twice), the list's counters match what
 * happened to the items, a drain returns only once every deferral that returned before it
 * started has finished freeing, and a closed list holds nothing pending.
 *
 * <p>The worker thread is not started ({@link DeferredFreeList.Builder#buildWithoutWorker()}):
 * Lincheck explores the threads it runs. A {@code help(n, true)} ends with the worker's own
 * loop ({@code NORMAL}, oldest first, heavy items too), up to {@code n} pages; the worker's
 * park and wake are checked on their own, in {@code io.zeroheap.free.FreeWorkerLincheckTest}.
 */
@Param(name = "item", gen = IntGen.class, conf = "0:2")
@Param(name = "pages", gen = IntGen.class, conf = "1:4")
public final class DeferredFreeListLincheckTest {

    private final DeferredFreeList list = DeferredFreeList.builder().buildWithoutWorker();
    private final CountedItem[] items = {new CountedItem(1, true), new CountedItem(2, true), new CountedItem(4, false)};

    public DeferredFreeListLincheckTest() {
        ModelChecks.invocationStarted(this);
    }

    /** Defers item {@code index}; refused (and not counted) while it is still pending. */
    @Operation
    public void defer(@Param(name = "item") int index) {
        CountedItem item = items[index];
        try {
            list.defer(item);
        } catch (IllegalStateException stillPending) {
            return;
        }
        item.accepted.incrementAndGet();
    }

    @Operation
    public void help(@Param(name = "pages") int nrPages) {
        list.help(nrPages);
    }

    @Operation
    public void helpHeavyToo(@Param(name = "pages") int nrPages) {
        list.help(nrPages, true);
    }

    @Operation
    public void scan(@Param(name = "pages") int nrPages) {
        list.scan(nrPages);
    }

    /** Drains; then every deferral that had returned before the drain began has finished freeing. */
    @Operation
    public void drain() {
        int[] acceptedBefore = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            acceptedBefore[i] = items[i].accepted.get();
        }
        list.drain();
        for (int i = 0; i < items.length; i++) {
            int finished = items[i].finished.get();
            if (finished < acceptedBefore[i]) {
                throw new AssertionError("drain returned with item " + i + " freed " + finished
                        + " times (expected: at least " + acceptedBefore[i] + ", its deferrals before the drain)");
            }
        }
    }

    @Operation
    public void close() {
        try {
            list.close();
        } catch (IllegalStateException alreadyClosed) {
            if (!list.isClosed()) {
                throw new AssertionError("close refused on an open list", alreadyClosed);
            }
        }
    }

    /** After all threads: every item and counter adds up (see the class comment). */
    @Validate
    public void eachDeferralShouldBeFreedOnceOrPendingAndCountedSo() {
        DeferredFreeStats stats = list.stats();
        long accepted = 0;
        long acceptedPages = 0;
        long pending = 0;
        long pendingPages = 0;
        long pressureFrees = 0;
        long freedPages = 0;
        for (int i = 0; i < items.length; i++) {
            CountedItem item = items[i];
            int stillPending = item.isPending() ? 1 : 0;
            check(item.started.get() == item.finished.get(), "item " + i + ": a free action still running");
            check(item.finished.get() + stillPending == item.accepted.get(), "item " + i + ": freed "
                    + item.finished.get() + " times, pending " + stillPending + " (expected: together "
                    + item.accepted.get() + ", its deferrals)");
            accepted += item.accepted.get();
            acceptedPages += item.accepted.get() * item.nrPages();
            pending += stillPending;
            pendingPages += stillPending * item.nrPages();
            pressureFrees += item.underPressure.get();
            freedPages += item.finished.get() * item.nrPages();
        }
        check(stats.deferredItems() == accepted && stats.deferredPages() == acceptedPages,
                "deferred: " + stats + " (expected: " + accepted + " items, " + acceptedPages + " pages)");
        check(stats.pendingItems() == pending && stats.pendingPages() == pendingPages,
                "pending: " + stats + " (expected: " + pending + " items, " + pendingPages + " pages)");
        check(stats.freeingItems() == 0 && stats.freeingPages() == 0, "freeing: " + stats + " (expected: 0)");
        check(stats.failedFrees() == 0, "failed: " + stats + " (expected: 0)");
        check(stats.pressureFrees() == pressureFrees,
                "pressure frees: " + stats + " (expected: " + pressureFrees + ")");
        check(stats.normalFreedPages() + stats.pressureFreedPages() == freedPages,
                "freed pages: " + stats + " (expected: " + freedPages + ")");
        check(!list.isClosed() || pending == 0, "a closed list holds " + pending + " pending items (expected: 0)");
    }

    private static void check(boolean holds, String message) {
        if (!holds) {
            throw new AssertionError(message);
        }
    }

    @Test
    void deferHelpScanDrainAndCloseFromThreeThreadsShouldFreeEachDeferralOnceAndCountIt() {
        ModelChecks.Explored explored = ModelChecks.check("random", getClass(), new ModelCheckingOptions()
                .sequentialSpecification(NoResults.class)
                .iterations(3).invocationsPerIteration(100)
                .threads(3).actorsPerThread(2).actorsBefore(2).actorsAfter(1));
        assertThat(explored.invocations()).isPositive();
    }

    @Test
    void aHelperPoppingTheIntakeWhileOthersPushShouldLoseNoDeferral() {
        // The helper pops the newest item by CAS while defers push onto the same intake.
        ModelChecks.check("intakeRaces", getClass(), new ModelCheckingOptions()
                .sequentialSpecification(NoResults.class)
                .iterations(0).invocationsPerIteration(400)
                .addCustomScenario(scenario(
                        List.of(actor(getClass(), "defer", 0)),
                        List.of(List.of(actor(getClass(), "help", 1), actor(getClass(), "defer", 0)),
                                List.of(actor(getClass(), "defer", 1), actor(getClass(), "help", 2))),
                        List.of())));
    }

    @Test
    void drainShouldWaitForAFreeActionAnotherThreadStartedAndTheItemsDeferredBeforeIt() {
        // Item 0 may be mid-free on the scan's or the helper's thread when the drain takes its
        // marker; item 2 is heavy, left by the helper to the scan or the drain.
        ModelChecks.check("drainRaces", getClass(), new ModelCheckingOptions()
                .sequentialSpecification(NoResults.class)
                .iterations(0).invocationsPerIteration(400)
                .addCustomScenario(scenario(
                        List.of(actor(getClass(), "defer", 0), actor(getClass(), "defer", 2)),
                        List.of(List.of(actor(getClass(), "scan", 1)),
                                List.of(actor(getClass(), "defer", 1), actor(getClass(), "drain")),
                                List.of(actor(getClass(), "help", 4))),
                        List.of())));
    }

    /** An item that counts its deferrals and the starts and ends of its free actions. */
    static final class CountedItem extends DeferredFreeList.Item {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger underPressure = new AtomicInteger();
        private final boolean mayBeFreedByHelpers;

        CountedItem(long nrPages, boolean mayBeFreedByHelpers) {
            super(nrPages, (item, reason) -> ((CountedItem) item).free(reason));
            this.mayBeFreedByHelpers = mayBeFreedByHelpers;
        }

        private void free(FreeReason reason) {
            started.incrementAndGet(); // a switch point: another thread may run while this one frees
            if (reason == FreeReason.UNDER_PRESSURE) {
                underPressure.incrementAndGet();
            }
            finished.incrementAndGet();
        }

        @Override
        public boolean mayBeFreedByHelpers() {
            return mayBeFreedByHelpers;
        }
    }

    /** The sequential specification: every operation returns nothing (the checks above throw). */
    public static final class NoResults {
        public NoResults() {
        }

        public void defer(int index) {
        }

        public void help(int nrPages) {
        }

        public void helpHeavyToo(int nrPages) {
        }

        public void scan(int nrPages) {
        }

        public void drain() {
        }

        public void close() {
        }
    }
}
