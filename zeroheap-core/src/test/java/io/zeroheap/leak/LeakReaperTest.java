package io.zeroheap.leak;

import io.zeroheap.LeakDetection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The blocks that keep trackers reachable are dropped once spent, and only then. */
class LeakReaperTest {

    private static final LeakDetector DETECTOR = new LeakDetector("reaper-test", LeakDetection.OFF);

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

        last.close();
        LeakReaper.sweep();
        assertThat(LeakReaper.holds(partial)).as("its thread ended and its trackers closed").isFalse();
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
        LeakReaper.sweep();
        assertThat(LeakReaper.holds(tracker[0].block)).as("its live thread may still add to it").isTrue();
        swept.countDown();
        thread.join();
        LeakReaper.sweep();
        assertThat(LeakReaper.holds(tracker[0].block)).isFalse();
    }
}
