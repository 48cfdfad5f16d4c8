package io.zeroheap.leak;

import io.zeroheap.LeakDetection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The blocks that keep trackers reachable are dropped once spent, and only then. */
class LeakReaperTest {

    private static final LeakDetector DETECTOR = new LeakDetector("reaper-test", LeakDetection.ALL, false);
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A tracker that frees nothing; the referent is the test's. */
    private static final class Tracker extends LeakTracker {
        Tracker(Object referent) {
            super(referent, DETECTOR);
        }

        @Override
        protected long reclaim() {
            return 0;
        }

        @Override
        protected String describe() {
            return "test object";
        }

        @Override
        protected boolean isArena() {
            return false;
        }
    }

    /**
     * Runs the GC and sweeps until {@code done} holds; fails after 10 s. Between GCs it waits a
     * little for the reaper to take the owner references the GC enqueued.
     */
    private static void gcAndSweepUntil(BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            LeakReaper.sweep();
            if (done.getAsBoolean()) {
                return;
            }
            assertThat(System.nanoTime() - start).as("blocks dropped within 10 s").isLessThan(TIMEOUT_NANOS);
            System.gc();
            Object lock = new Object();
            synchronized (lock) {
                lock.wait(20); // the loop re-checks the condition
            }
        }
    }

    private static long held(List<LeakReaper.Block> blocks) {
        return blocks.stream().filter(LeakReaper::holds).count();
    }

    @Test
    void aReclaimThatThrowsShouldBeSurvivedAndCountedInEveryHeapsStats() throws Exception {
        long before = LeakReaper.failures();
        new LeakTracker(new Object(), DETECTOR) { // its referent is dropped at once: a leak
            @Override
            protected long reclaim() {
                throw new IllegalStateException("reclaim failed on purpose");
            }

            @Override
            protected String describe() {
                return "a failing test object";
            }

            @Override
            protected boolean isArena() {
                return false;
            }
        };

        gcAndSweepUntil(() -> LeakReaper.failures() > before);

        try (io.zeroheap.SystemHeap heap = io.zeroheap.SystemHeap.builder().name("reaper-failures").register(false).build()) {
            assertThat(heap.stats().leakReaperFailures()).isGreaterThan(before);
        }
        CountDownLatch reclaimed = new CountDownLatch(1); // and the reaper lives on: a later leak is reclaimed
        new LeakTracker(new Object(), DETECTOR) {
            @Override
            protected long reclaim() {
                reclaimed.countDown();
                return 0;
            }

            @Override
            protected String describe() {
                return "a later test object";
            }

            @Override
            protected boolean isArena() {
                return false;
            }
        };
        gcAndSweepUntil(() -> reclaimed.getCount() == 0);
    }

    @Test
    void blocksShouldBeDroppedOnceTheirThreadEndedAndTheirTrackersClosed() throws Exception {
        List<Object> referents = new ArrayList<>();
        List<Tracker> trackers = new ArrayList<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < LeakReaper.BLOCK_SLOTS + 3; i++) { // one full block, one partly filled
                Object referent = new Object();
                referents.add(referent);
                trackers.add(new Tracker(referent));
            }
        });
        thread.join();
        LeakReaper.Block full = trackers.getFirst().block;
        LeakReaper.Block partial = trackers.getLast().block;
        assertThat(full).isNotSameAs(partial);
        assertThat(trackers).filteredOn(t -> t.block == full).hasSize(LeakReaper.BLOCK_SLOTS);

        Tracker last = trackers.removeLast();
        trackers.forEach(LeakTracker::close);
        LeakReaper.sweep();
        assertThat(LeakReaper.holds(full)).as("full and emptied").isFalse();
        assertThat(LeakReaper.holds(partial)).as("the open tracker keeps its block").isTrue();
        // Its thread ended long ago: once the GC has cleared its holder, only the open tracker keeps it.
        System.gc();
        for (int i = 0; i < 5; i++) {
            LeakReaper.sweep();
            assertThat(LeakReaper.holds(partial)).as("the open tracker keeps its block").isTrue();
        }

        last.close();
        gcAndSweepUntil(() -> !LeakReaper.holds(partial));
        assertThat(referents).hasSize(LeakReaper.BLOCK_SLOTS + 3); // referents stayed reachable throughout
    }

    @Test
    void aLiveThreadsPartlyFilledBlockShouldStay() throws Exception {
        CountDownLatch created = new CountDownLatch(1);
        CountDownLatch swept = new CountDownLatch(1);
        Tracker[] tracker = new Tracker[1];
        Thread thread = Thread.ofPlatform().start(() -> { // a fresh thread: its block holds one slot
            tracker[0] = new Tracker(new Object());
            tracker[0].close();
            created.countDown();
            try {
                swept.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();
        System.gc();
        LeakReaper.sweep();
        assertThat(LeakReaper.holds(tracker[0].block)).as("its live thread may still add to it").isTrue();
        swept.countDown();
        thread.join();
        gcAndSweepUntil(() -> !LeakReaper.holds(tracker[0].block));
    }

    @Test
    void blocksShouldBeDroppedAfterTheirThreadsThreadLocalsWereReset() throws Exception {
        // What a common-pool worker does each time it goes idle: its thread-locals are reset,
        // so its next tracker starts a new block while the thread lives on.
        List<LeakReaper.Block> blocks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Tracker tracker = new Tracker(new Object());
            blocks.add(tracker.block);
            tracker.close();
            LeakReaper.forgetCurrentBlock();
        }
        assertThat(blocks).doesNotHaveDuplicates();
        gcAndSweepUntil(() -> held(blocks) == 0);
    }

    @Test
    void aForgottenBlockShouldStayWhileItHoldsAnOpenTracker() throws Exception {
        Object referent = new Object();
        Tracker open = new Tracker(referent);
        LeakReaper.forgetCurrentBlock();
        Tracker closed = new Tracker(new Object());
        closed.close();
        LeakReaper.forgetCurrentBlock();
        gcAndSweepUntil(() -> !LeakReaper.holds(closed.block));
        assertThat(LeakReaper.holds(open.block)).as("its open tracker keeps it").isTrue();
        open.close();
        gcAndSweepUntil(() -> !LeakReaper.holds(open.block));
        assertThat(referent).isNotNull(); // reachable until here
    }

    @Test
    void commonPoolWorkersGoingIdleShouldNotPileUpBlocks() throws Exception {
        ForkJoinPool pool = ForkJoinPool.commonPool();
        List<LeakReaper.Block> blocks = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        int resetsSeen = 0;
        for (int round = 0; round < 50; round++) {
            Object[] result = pool.submit(() -> {
                boolean hadBlock = LeakReaper.hasCurrentBlock();
                Tracker tracker = new Tracker(new Object());
                tracker.close();
                return new Object[] {tracker.block, Thread.currentThread(), hadBlock};
            }).get(10, TimeUnit.SECONDS);
            blocks.add((LeakReaper.Block) result[0]);
            Thread worker = (Thread) result[1];
            if (workers.contains(worker) && !(Boolean) result[2]) {
                resetsSeen++;
            }
            workers.add(worker);
            // Let the worker go idle: it resets its thread-locals before it parks on the pool.
            long start = System.nanoTime();
            while (LockSupport.getBlocker(worker) != pool && worker.isAlive()
                    && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                Thread.onSpinWait();
            }
        }
        long distinct = blocks.stream().distinct().count();
        long workerCount = workers.stream().distinct().count();
        // Each worker may keep its current block; every block it left behind when its
        // thread-locals were reset must go (with the bug they stayed for good).
        gcAndSweepUntil(() -> held(blocks) <= workerCount);
        assertThat(distinct).as("blocks for 50 tasks on %d workers, %d thread-local resets seen",
                workerCount, resetsSeen).isPositive();
    }
}
