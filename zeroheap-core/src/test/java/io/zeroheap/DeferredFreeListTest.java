package io.zeroheap;

import io.zeroheap.os.NativeThreads;
import io.zeroheap.os.ProcThreadStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeferredFreeListTest {

    private final DeferredFreeList list = DeferredFreeList.builder().workerName("test-deferred-free").build();

    @AfterEach
    void closeList() {
        if (!list.isClosed()) {
            list.close();
        }
    }

    @Test
    void shouldFreeDeferredItemOnTheWorkerWithNormalReason() throws Exception {
        CountDownLatch freed = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<FreeReason> reason = new AtomicReference<>();
        list.defer(new DeferredFreeList.Item(3, (item, why) -> {
            thread.set(Thread.currentThread().getName());
            reason.set(why);
            freed.countDown();
        }));

        assertThat(freed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get()).isEqualTo("test-deferred-free");
        assertThat(reason.get()).isEqualTo(FreeReason.NORMAL);
    }

    @Test
    void shouldFreeItemsOfZeroPages() throws Exception {
        CountDownLatch freed = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            list.defer(new DeferredFreeList.Item(0, (item, why) -> freed.countDown()));
        }

        assertThat(freed.await(10, TimeUnit.SECONDS))
                .as("the seed's worker waits for pages > 0; ours must free 0-page items too").isTrue();
    }

    @Test
    void shouldCountPendingPagesExactly() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            for (int pages = 1; pages <= 10; pages++) {
                list.defer(new RecordingItem(pages));
            }
            assertThat(list.pendingPages()).isEqualTo(55);
            assertThat(list.count()).isEqualTo(55);
            assertThat(list.stats().pendingItems()).isEqualTo(10);
        }
        list.drain();
        assertThat(list.pendingPages()).isZero();
        assertThat(list.stats().normalFreedPages()).isEqualTo(55);
    }

    @Test
    void scanShouldFreeOldestItemsUnderPressureOnTheCallingThread() throws Exception {
        List<RecordingItem> items = new ArrayList<>();
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            for (int i = 0; i < 5; i++) {
                RecordingItem item = new RecordingItem(4);
                items.add(item);
                list.defer(item);
            }

            long freed = list.scan(6);

            assertThat(freed).as("frees whole items until the target is met, like the seed").isEqualTo(8);
            assertThat(items.subList(0, 2)).allSatisfy(item -> {
                assertThat(item.frees.get()).isEqualTo(1);
                assertThat(item.lastReason).isEqualTo(FreeReason.UNDER_PRESSURE);
                assertThat(item.lastThread).isSameAs(Thread.currentThread());
            });
            assertThat(items.subList(2, 5)).allSatisfy(item -> assertThat(item.frees.get()).isZero());
            assertThat(list.pendingPages()).isEqualTo(12);
        }
    }

    @Test
    void scanShouldStopWhenTheListIsEmpty() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            list.defer(new RecordingItem(2));
            assertThat(list.scan(1000)).isEqualTo(2);
            assertThat(list.scan(1000)).isZero();
        }
    }

    @Test
    void scanOfZeroShouldFreeNothing() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            RecordingItem item = new RecordingItem(1);
            list.defer(item);
            assertThat(list.scan(0)).isZero();
            assertThat(item.frees.get()).isZero();
            assertThat(list.pendingPages()).isEqualTo(1);
        }
    }

    @Test
    void scanShouldRejectNegativeTargets() {
        assertThatThrownBy(() -> list.scan(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nrToScan: -1 (expected: >= 0)");
    }

    @Test
    void drainShouldReturnOnlyAfterEveryEarlierItemWasFreed() throws Exception {
        RecordingItem[] items = new RecordingItem[100];
        WorkerGate gate = WorkerGate.holdWorker(list);
        for (int i = 0; i < items.length; i++) {
            items[i] = new RecordingItem(1);
            list.defer(items[i]);
        }
        CompletableFuture<Void> drain = CompletableFuture.runAsync(list::drain);

        assertThatThrownBy(() -> drain.get(200, TimeUnit.MILLISECONDS))
                .as("the gate, deferred before drain(), is still running on the worker")
                .isInstanceOf(TimeoutException.class);
        gate.close();
        drain.get(10, TimeUnit.SECONDS);

        assertThat(items).allSatisfy(item -> assertThat(item.frees.get()).isEqualTo(1));
        assertThat(gate.isPending()).isFalse();
    }

    @Test
    void shouldSurviveAndCountAFreeActionThatThrows() throws Exception {
        list.defer(new DeferredFreeList.Item(7, (item, why) -> {
            throw new IllegalStateException("boom (expected by the test)");
        }));
        RecordingItem after = new RecordingItem(1);
        list.defer(after);
        list.drain();

        DeferredFreeStats stats = list.stats();
        assertThat(stats.failedFrees()).isEqualTo(1);
        assertThat(stats.failedPages()).isEqualTo(7);
        assertThat(after.frees.get()).isEqualTo(1);
        assertThat(stats.workerRestarts()).isZero();
        assertThat(list.workerThread().isAlive()).isTrue();
    }

    @Test
    void shouldReplaceAWorkerKilledByAVirtualMachineError() throws Exception {
        Thread first = list.workerThread();
        CountDownLatch thrown = new CountDownLatch(1);
        list.defer(new DeferredFreeList.Item(2, (item, why) -> {
            thrown.countDown();
            throw new InternalError("simulated VM failure (expected by the test)");
        }));
        assertThat(thrown.await(10, TimeUnit.SECONDS)).isTrue();
        first.join(10_000);
        assertThat(first.isAlive()).isFalse();

        RecordingItem after = new RecordingItem(1);
        list.defer(after);
        awaitTrue(() -> after.frees.get() == 1, "an item deferred after the worker died is freed");

        DeferredFreeStats stats = list.stats();
        assertThat(stats.workerRestarts()).isEqualTo(1);
        assertThat(stats.failedFrees()).isEqualTo(1);
        assertThat(stats.failedPages()).isEqualTo(2);
        assertThat(after.lastThread).isNotSameAs(first).isSameAs(list.workerThread());
        assertThat(after.lastThread.getName()).isEqualTo("test-deferred-free");
    }

    @Test
    void shouldAbsorbAndCountInterruptsOfTheWorker() throws Exception {
        awaitTrue(() -> list.workerThread().getState() == Thread.State.WAITING, "worker parks when idle");
        list.workerThread().interrupt();
        awaitTrue(() -> list.stats().workerInterrupts() == 1, "the interrupt is counted");

        RecordingItem item = new RecordingItem(1);
        list.defer(item);
        awaitTrue(() -> item.frees.get() == 1, "the worker goes on freeing after an interrupt");
        assertThat(item.lastThread).isSameAs(list.workerThread());
        assertThat(list.stats().workerRestarts()).isZero();
    }

    @Test
    void closeShouldFreeEverythingPendingAndStopTheWorker() throws Exception {
        List<RecordingItem> items = new ArrayList<>();
        WorkerGate gate = WorkerGate.holdWorker(list);
        for (int i = 0; i < 50; i++) {
            RecordingItem item = new RecordingItem(i);
            items.add(item);
            list.defer(item);
        }
        Thread worker = list.workerThread();
        CompletableFuture<Void> close = CompletableFuture.runAsync(list::close);
        gate.close();
        close.get(10, TimeUnit.SECONDS);

        assertThat(items).allSatisfy(item -> assertThat(item.frees.get()).isEqualTo(1));
        assertThat(worker.isAlive()).isFalse();
        DeferredFreeStats stats = list.stats();
        assertThat(stats.pendingItems()).isZero();
        assertThat(stats.freeingItems()).isZero();
        assertThat(stats.normalFrees()).isEqualTo(51);
    }

    @Test
    void deferAfterCloseShouldFreeAtOnceOnTheCallingThread() {
        list.close();
        RecordingItem item = new RecordingItem(3);

        list.defer(item);

        assertThat(item.frees.get()).isEqualTo(1);
        assertThat(item.lastThread).isSameAs(Thread.currentThread());
        assertThat(item.lastReason).isEqualTo(FreeReason.NORMAL);
        assertThat(list.stats().normalFreedPages()).isEqualTo(3);
    }

    @Test
    void secondCloseShouldThrow() {
        list.close();
        assertThatThrownBy(list::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");
    }

    @Test
    void drainOrCloseFromInsideAFreeActionShouldThrowInsteadOfDeadlocking() throws Exception {
        AtomicReference<Throwable> fromDrain = new AtomicReference<>();
        AtomicReference<Throwable> fromClose = new AtomicReference<>();
        list.defer(new DeferredFreeList.Item(1, (item, why) -> {
            try {
                list.drain();
            } catch (Throwable e) {
                fromDrain.set(e);
            }
            try {
                list.close();
            } catch (Throwable e) {
                fromClose.set(e);
            }
        }));
        list.drain();

        assertThat(fromDrain.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drain() called from inside the free action");
        assertThat(fromClose.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close() called from inside the free action");
        assertThat(list.isClosed()).isFalse();
    }

    @Test
    void shouldRejectNullItems() {
        assertThatThrownBy(() -> list.defer(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("item: null (expected: non-null)");
        assertThat(list.stats().deferredItems()).isZero();
    }

    @Test
    void shouldRejectItemsWithNegativePagesOrNoAction() {
        assertThatThrownBy(() -> new RecordingItem(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nrPages: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new DeferredFreeList.Item(1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("action: null (expected: non-null)");
    }

    @Test
    void shouldRejectDeferringAnItemThatIsStillPendingAndLeaveTheListUnchanged() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            RecordingItem item = new RecordingItem(5);
            list.defer(item);
            DeferredFreeStats before = list.stats();

            assertThatThrownBy(() -> list.defer(item))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("item: RecordingItem[nrPages=5]")
                    .hasMessageContaining("already deferred");
            assertThat(list.stats()).isEqualTo(before);
        }
        list.drain();
    }

    @Test
    void shouldAllowAnItemToBeDeferredAgainOnceFreed() {
        RecordingItem item = new RecordingItem(2);
        for (int round = 1; round <= 3; round++) {
            list.defer(item);
            list.drain();
            assertThat(item.frees.get()).isEqualTo(round);
            assertThat(item.isPending()).isFalse();
        }
    }

    @Test
    void statsShouldAccountForEveryPageDeferred() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            for (int i = 0; i < 20; i++) {
                list.defer(new RecordingItem(i % 4));
            }
            list.defer(new DeferredFreeList.Item(5, (item, why) -> {
                throw new IllegalArgumentException("expected by the test");
            }));
            list.scan(10);
            assertBalanced(list.stats());
        }
        list.drain();
        DeferredFreeStats stats = list.stats();
        assertBalanced(stats);
        assertThat(stats.deferredItems()).isEqualTo(22);
        assertThat(stats.deferredPages()).isEqualTo(35);
        assertThat(stats.freeingItems()).isZero();
        assertThat(stats.pendingItems()).isZero();
    }

    @Test
    void aWorkerWhoseNicenessIsRefusedShouldSaySoAndStillFree() throws Exception {
        NativeThreads.injectNiceFailures(1);
        DeferredFreeList refused = DeferredFreeList.builder().workerName("nice-refused").build(); // waits for the worker's start
        try {
            assertThat(refused.stats().workerNice()).as("no niceness applied: reported, not thrown").isEmpty();
            java.util.concurrent.atomic.AtomicInteger freed = new java.util.concurrent.atomic.AtomicInteger();
            refused.defer(new DeferredFreeList.Item(1, (item, reason) -> freed.incrementAndGet()));
            awaitTrue(() -> freed.get() == 1, "the worker still frees");
        } finally {
            NativeThreads.injectNiceFailures(0);
            refused.close();
        }
    }

    @Test
    void workerShouldRunAtNice19OnItsOwnNativeThread() throws Exception {
        assumeTrue(NativeThreads.isSupported(), "native thread niceness needs Linux and native access");
        awaitTrue(() -> list.stats().workerNativeThreadId() > 0, "the worker reports its native thread id");
        DeferredFreeStats stats = list.stats();

        assertThat(stats.workerNice()).hasValue(19);
        ProcThreadStat proc = ProcThreadStat.read(stats.workerNativeThreadId()).orElseThrow();
        assertThat(proc.nice()).as("nice read back from /proc/self/task/<tid>/stat").isEqualTo(19);
        ProcThreadStat self = ProcThreadStat.read(NativeThreads.currentThreadId()).orElseThrow();
        assertThat(self.nice()).as("only the worker is niced, not its creator").isNotEqualTo(19);
    }

    @Test
    void idleWorkerShouldBeParkedAndUseNoCpu() throws Exception {
        list.defer(new RecordingItem(1));
        list.drain();
        Thread worker = list.workerThread();
        awaitTrue(() -> worker.getState() == Thread.State.WAITING, "the worker parks when the list is empty");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(worker.threadId());

        Thread.sleep(300); // an idle window: the worker must not spin through it

        long cpuNanos = threads.getThreadCpuTime(worker.threadId()) - cpuBefore;
        assertThat(cpuNanos).as("worker CPU time while idle for 300 ms").isLessThan(5_000_000);
        assertThat(worker.getState()).isEqualTo(Thread.State.WAITING);
        if (NativeThreads.isSupported()) {
            ProcThreadStat proc = ProcThreadStat.read(list.stats().workerNativeThreadId()).orElseThrow();
            assertThat(proc.state()).as("native state: sleeping").isEqualTo('S');
        }
    }

    @Test
    void aLingeringWorkerShouldFindNewItemsWithoutBeingWoken() throws Exception {
        try (DeferredFreeList lingering = DeferredFreeList.builder().workerName("test-lingering")
                .workerLinger(Duration.ofSeconds(1)).build()) {
            RecordingItem first = new RecordingItem(1);
            lingering.defer(first);
            awaitTrue(() -> first.frees.get() == 1, "the first item is freed");
            awaitTrue(() -> lingering.workerThread().getState() == Thread.State.TIMED_WAITING, "the worker lingers");
            long unparks = lingering.workerUnparks();
            long wakeups = lingering.stats().workerWakeups();

            RecordingItem second = new RecordingItem(1);
            lingering.defer(second);

            awaitTrue(() -> second.frees.get() == 1, "the lingering worker finds the second item");
            assertThat(second.lastThread).isSameAs(lingering.workerThread());
            assertThat(lingering.workerUnparks()).as("unparks of the worker by defer").isEqualTo(unparks);
            assertThat(lingering.stats().workerWakeups()).isEqualTo(wakeups);
            awaitTrue(() -> lingering.workerThread().getState() == Thread.State.WAITING,
                    "after the linger the worker parks until woken");
        }
    }

    @Test
    void withoutLingerTheWorkerShouldParkAtOnceAndBeWokenByTheNextItem() throws Exception {
        try (DeferredFreeList eager = DeferredFreeList.builder().workerName("test-no-linger")
                .workerLinger(Duration.ZERO).build()) {
            RecordingItem first = new RecordingItem(1);
            eager.defer(first);
            awaitTrue(() -> first.frees.get() == 1, "the first item is freed");
            awaitTrue(() -> eager.workerThread().getState() == Thread.State.WAITING, "the worker parks");
            long unparks = eager.workerUnparks();
            long wakeups = eager.stats().workerWakeups();

            RecordingItem second = new RecordingItem(1);
            eager.defer(second);

            awaitTrue(() -> second.frees.get() == 1, "the woken worker frees the second item");
            assertThat(eager.workerUnparks()).isEqualTo(unparks + 1);
            assertThat(eager.stats().workerWakeups()).isEqualTo(wakeups + 1);
        }
    }

    @Test
    void anInterruptWhileLingeringShouldBeCountedAndNotMakeTheWorkerSpin() throws Exception {
        try (DeferredFreeList lingering = DeferredFreeList.builder().workerName("test-lingering-interrupt")
                .workerLinger(Duration.ofSeconds(1)).build()) {
            RecordingItem item = new RecordingItem(1);
            lingering.defer(item);
            awaitTrue(() -> item.frees.get() == 1, "the item is freed");
            Thread worker = lingering.workerThread();
            awaitTrue(() -> worker.getState() == Thread.State.TIMED_WAITING, "the worker lingers");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getThreadCpuTime(worker.threadId());

            worker.interrupt();
            awaitTrue(() -> lingering.stats().workerInterrupts() == 1, "the interrupt is counted");
            Thread.sleep(200);

            long cpuNanos = threads.getThreadCpuTime(worker.threadId()) - cpuBefore;
            assertThat(cpuNanos).as("worker CPU time over 200 ms of lingering after an interrupt")
                    .isLessThan(20_000_000);
            assertThat(worker.isInterrupted()).isFalse();
        }
    }

    @Test
    void anIdleActionRequestedWhileLingeringShouldRunWithinATick() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (DeferredFreeList lingering = DeferredFreeList.builder().workerName("test-lingering-idle")
                .workerLinger(Duration.ofSeconds(1)).idleAction(runs::incrementAndGet).build()) {
            RecordingItem item = new RecordingItem(1);
            lingering.defer(item);
            awaitTrue(() -> item.frees.get() == 1, "the item is freed");
            awaitTrue(() -> lingering.workerThread().getState() == Thread.State.TIMED_WAITING, "the worker lingers");
            int before = runs.get();

            lingering.requestIdleAction();

            awaitTrue(() -> runs.get() != before, "the idle action runs", Duration.ofMillis(500));
            assertThat(runs.get()).as("idle action runs once for the request").isEqualTo(before + 1);
            assertThat(lingering.workerUnparks()).isZero();
        }
    }

    @Test
    void closeShouldEndALingerAtOnce() throws Exception {
        DeferredFreeList lingering = DeferredFreeList.builder().workerName("test-lingering-close")
                .workerLinger(Duration.ofSeconds(1)).build();
        RecordingItem item = new RecordingItem(1);
        lingering.defer(item);
        awaitTrue(() -> item.frees.get() == 1, "the item is freed");
        Thread worker = lingering.workerThread();
        awaitTrue(() -> worker.getState() == Thread.State.TIMED_WAITING, "the worker lingers");

        long start = System.nanoTime();
        try {
            lingering.close();
        } finally {
            if (!lingering.isClosed()) {
                lingering.close();
            }
        }

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("close() took, in ms").isLessThan(500);
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void helpShouldFreeNewestItemsOnTheCallerButLeaveHeavyOnesToTheWorker() throws Exception {
        try (WorkerGate gate = WorkerGate.holdWorker(list)) {
            RecordingItem heavy = new RecordingItem(4) {
                @Override
                public boolean mayBeFreedByHelpers() {
                    return false;
                }
            };
            RecordingItem first = new RecordingItem(2);
            RecordingItem second = new RecordingItem(2);
            RecordingItem third = new RecordingItem(2);
            list.defer(heavy);
            list.defer(first);
            list.defer(second);
            list.defer(third);

            assertThat(list.help(3)).as("whole items until the target is met").isEqualTo(4);

            assertThat(heavy.frees.get()).isZero();
            assertThat(third.lastThread).as("newest first: still in the helper's cache")
                    .isSameAs(Thread.currentThread());
            assertThat(third.lastReason).isEqualTo(FreeReason.NORMAL);
            assertThat(second.frees.get()).isEqualTo(1);
            assertThat(first.frees.get()).isZero();
            assertThat(list.pendingPages()).isEqualTo(6);
            assertBalanced(list.stats());
            assertThat(list.help(100)).as("only the helpable item is left to help with").isEqualTo(2);
            assertThat(list.help(100)).isZero();
            assertThat(list.help(0)).isZero();
            assertThatThrownBy(() -> list.help(-1)).isInstanceOf(IllegalArgumentException.class);
        }
        list.drain();
        DeferredFreeStats stats = list.stats();
        assertThat(stats.pendingPages()).isZero();
        assertBalanced(stats);
    }

    @Test
    void requestedIdleActionShouldRunOnTheWorkerEvenWithNothingToFree() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        AtomicReference<Thread> runner = new AtomicReference<>();
        try (DeferredFreeList withIdle = DeferredFreeList.builder().workerName("idle-test")
                .idleAction(() -> {
                    runner.set(Thread.currentThread());
                    ran.countDown();
                }).build()) {
            awaitTrue(() -> withIdle.workerThread().getState() == Thread.State.WAITING, "the worker parks");
            long before = ran.getCount();
            withIdle.requestIdleAction();
            awaitTrue(() -> ran.getCount() < before, "the parked worker woke up and ran its idle action");
            assertThat(runner.get().getName()).isEqualTo("idle-test");
        }
    }

    @Test
    void anIdleActionThatThrowsShouldBeCountedAndTheWorkerGoOn() throws Exception {
        try (DeferredFreeList withIdle = DeferredFreeList.builder().workerName("idle-throws")
                .idleAction(() -> {
                    throw new IllegalStateException("expected by the test");
                }).build()) {
            withIdle.requestIdleAction();
            awaitTrue(() -> withIdle.stats().failedIdleActions() >= 1, "the failure is counted");
            RecordingItem item = new RecordingItem(1);
            withIdle.defer(item);
            awaitTrue(() -> item.frees.get() == 1, "the worker goes on freeing");
        }
    }

    @Test
    void deferShouldNotAllocate() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RecordingItem[] items = new RecordingItem[1024];
        for (int i = 0; i < items.length; i++) {
            items[i] = new RecordingItem(1);
        }
        long self = Thread.currentThread().threadId();
        long allocated = 0;
        for (int round = 0; round < 20; round++) { // the last rounds run compiled code
            long before = threads.getThreadAllocatedBytes(self);
            for (RecordingItem item : items) {
                list.defer(item);
            }
            allocated = threads.getThreadAllocatedBytes(self) - before;
            list.drain();
        }
        assertThat(allocated).as("bytes allocated by 1024 defers").isLessThan(1024);
    }

    @Test
    void builderShouldRejectBadSettings() {
        assertThatThrownBy(() -> DeferredFreeList.builder().workerName(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workerName: \" \" (expected: not blank)");
        assertThatThrownBy(() -> DeferredFreeList.builder().workerNice(20))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workerNice: 20 (expected: in [0, 19])");
        assertThatThrownBy(() -> DeferredFreeList.builder().workerNice(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workerNice: -1 (expected: in [0, 19])");
        assertThatThrownBy(() -> DeferredFreeList.builder().workerLinger(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workerLinger: PT-0.000000001S (expected: between ZERO and PT1S)");
        assertThatThrownBy(() -> DeferredFreeList.builder().workerLinger(Duration.ofMillis(1001)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workerLinger: PT1.001S (expected: between ZERO and PT1S)");
        assertThatThrownBy(() -> DeferredFreeList.builder().workerLinger(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("linger");
    }

    static void assertBalanced(DeferredFreeStats s) {
        assertThat(s.deferredPages()).isEqualTo(s.normalFreedPages() + s.pressureFreedPages()
                + s.failedPages() + s.pendingPages() + s.freeingPages());
        assertThat(s.deferredItems()).isEqualTo(s.normalFrees() + s.pressureFrees()
                + s.failedFrees() + s.pendingItems() + s.freeingItems());
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        awaitTrue(condition, what, Duration.ofSeconds(10));
    }

    static void awaitTrue(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until: " + what);
            }
            Thread.sleep(1);
        }
    }
}
