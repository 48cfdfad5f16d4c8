package io.zeroheap.percpu;

import io.zeroheap.FreeReason;
import io.zeroheap.os.ArenaMemorySource;
import io.zeroheap.os.DelegatingSource;
import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.PoolSet;
import io.zeroheap.pool.SizeClasses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One CPU's pool on its own: which chunk comes back, where it is zeroed, what it counts. */
class CpuPoolTest {

    private static final long PAGE = 4096;
    private static final int CLASS_4K = 0;
    private final MemorySource source = new ArenaMemorySource();
    private final SizeClasses classes = new SizeClasses(PAGE, 1 << 20);
    private final PoolSet pools = new PoolSet(source, classes, 32 << 20, Long.MAX_VALUE, false, false,
            (item, reason) -> { }, delta -> { });
    private final List<Chunk> taken = new ArrayList<>();

    @AfterEach
    void giveBack() {
        for (Chunk chunk : taken) {
            pools.markPending(chunk);
            pools.free(chunk, FreeReason.UNDER_PRESSURE);
        }
    }

    private Chunk freshChunk() {
        Chunk chunk = pools.allocateFresh(PAGE);
        taken.add(chunk);
        return chunk;
    }

    @SuppressWarnings("restricted") // a view of a chunk the pools handed out
    private static MemorySegment memory(Chunk chunk) {
        return MemorySegment.ofAddress(chunk.address()).reinterpret(chunk.byteSize());
    }

    private static void scribble(Chunk chunk) {
        memory(chunk).fill((byte) 0x5A);
    }

    private static boolean readsZero(Chunk chunk) {
        MemorySegment memory = memory(chunk);
        for (long offset = 0; offset < memory.byteSize(); offset += 8) {
            if (memory.get(ValueLayout.JAVA_LONG, offset) != 0) {
                return false;
            }
        }
        return true;
    }

    private static final CpuPool.Refill NO_REFILL = index -> null;

    @Test
    void aFreedChunkShouldComeBackWarmAndZeroedByItsTakerWhenNothingZeroedIt() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, source, null);
        Chunk older = freshChunk();
        Chunk newer = freshChunk();
        scribble(older);
        scribble(newer);
        assertThat(pool.offer(older)).isTrue();
        assertThat(pool.offer(newer)).isTrue();

        Chunk chunk = take(pool);

        assertThat(chunk).as("the most recently freed, the warmest").isSameAs(newer);
        assertThat(readsZero(chunk)).as("zeroed by the taking thread").isTrue();
        assertThat(take(pool)).isSameAs(older);
        assertThat(readsZero(older)).isTrue();
        assertThat(take(pool)).as("empty").isNull();
        long[] totals = snapshot(pool)[2];
        assertThat(totals[1]).as("dirty takes").isEqualTo(2);
        assertThat(totals[0]).as("clean takes").isZero();
    }

    @Test
    void theZeroersWorkShouldHandOutTheMostRecentlyZeroedChunkFirstAndReadingZero() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, source, null);
        Chunk a = freshChunk();
        Chunk b = freshChunk();
        Chunk c = freshChunk();
        for (Chunk chunk : List.of(a, b, c)) {
            scribble(chunk);
            pool.offer(chunk);
        }
        assertThat(pool.hasWork()).isTrue();

        int zeroed = pool.work(NO_REFILL, chunk -> { throw new AssertionError("not closed"); });

        assertThat(zeroed).isEqualTo(3);
        // The zeroer takes the dirty stack newest first (c, b, a): a is zeroed last, the warmest.
        List<Chunk> order = List.of(take(pool), take(pool), take(pool));
        assertThat(order).containsExactly(a, b, c);
        for (Chunk chunk : order) {
            assertThat(readsZero(chunk)).as("zeroed by the zeroer").isTrue();
        }
        long[] totals = snapshot(pool)[2];
        assertThat(totals[0]).as("clean takes").isEqualTo(3);
        assertThat(totals[1]).as("dirty takes").isZero();
        assertThat(totals[2]).as("zeroed idle").isEqualTo(3);
    }

    @Test
    void offersBeyondTheCapOrAfterCloseShouldBeRefused() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 2 * PAGE, source, null);
        assertThat(pool.offer(freshChunk())).isTrue();
        assertThat(pool.offer(freshChunk())).isTrue();
        assertThat(pool.offer(freshChunk())).as("over the cap").isFalse();

        List<Chunk> drained = new ArrayList<>();
        assertThat(pool.drainTo(drained::add, true)).isEqualTo(2 * PAGE);

        assertThat(drained).as("marked for the shared path to zero").hasSize(2).allMatch(chunk -> chunk.dirty);
        assertThat(pool.offer(freshChunk())).as("closed").isFalse();
        assertThat(take(pool)).isNull();
    }

    @Test
    void aChunkWhoseZeroingFailedShouldStayDirtyAndNeverBeHandedOutClean() {
        FailingZero failing = new FailingZero(source, 1);
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, failing, null);
        Chunk chunk = freshChunk();
        scribble(chunk);
        pool.offer(chunk);

        assertThatThrownBy(() -> pool.work(NO_REFILL, c -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("injected");

        long[][] counts = snapshot(pool);
        assertThat(counts[1][CLASS_4K]).as("still counted dirty").isEqualTo(1);
        assertThat(counts[0][CLASS_4K]).as("not clean").isZero();
        assertThat(counts[2][2]).as("not counted as zeroed").isZero();
        Chunk back = take(pool); // the source works again: the taker zeroes it
        assertThat(back).isSameAs(chunk);
        assertThat(readsZero(back)).isTrue();
        assertThat(snapshot(pool)[2][1]).as("a dirty take").isEqualTo(1);
    }

    @Test
    void takesThatFoundNoCleanChunkShouldBeRefilledWarmByTheZeroer() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, source, null);
        Chunk reused = freshChunk();
        pool.offer(reused);
        for (int i = 0; i < 3; i++) { // a burst reusing one chunk: every take finds it dirty
            assertThat(take(pool)).isSameAs(reused);
            pool.offer(reused);
        }
        List<Chunk> refills = new ArrayList<>();

        pool.work(index -> {
            Chunk refill = freshChunk();
            scribble(refill); // whatever the shared pools handed over, it is zeroed here
            refills.add(refill);
            return refill;
        }, c -> { });

        assertThat(refills).as("one per dirty take").hasSize(3);
        long[][] counts = snapshot(pool);
        assertThat(counts[0][CLASS_4K]).as("clean chunks: the reused one and the refills").isEqualTo(4);
        assertThat(counts[1][CLASS_4K]).isZero();
        assertThat(counts[2][4]).as("bytes held").isEqualTo(4 * PAGE);
        for (int i = 0; i < 4; i++) {
            Chunk chunk = take(pool);
            assertThat(readsZero(chunk)).isTrue();
        }
        assertThat(snapshot(pool)[2][0]).as("clean takes").isEqualTo(4);
    }

    @Test
    void aSustainedLoopsDemandShouldRefillNoMoreThanABurstsWorth() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 8 << 20, source, null);
        Chunk reused = freshChunk();
        pool.offer(reused);
        for (int i = 0; i < 1000; i++) { // a tight loop: its CPU never idled, demand ran up
            take(pool);
            pool.offer(reused);
        }
        List<Chunk> refills = new ArrayList<>();

        pool.work(index -> {
            Chunk refill = freshChunk();
            refills.add(refill);
            return refill;
        }, c -> { });

        assertThat(refills).hasSize(CpuPool.MAX_REFILL_PER_CLASS);
    }

    @Test
    void aChunkTheZeroerFinishesAfterTheFinalDrainShouldGoToTheLateSink() throws Exception {
        CountDownLatch zeroing = new CountDownLatch(1);
        CountDownLatch drained = new CountDownLatch(1);
        MemorySource gated = new GatedZero(source, zeroing, drained);
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, gated, null);
        Chunk chunk = freshChunk();
        pool.offer(chunk);
        List<Chunk> late = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread zeroer = Thread.ofPlatform().start(() -> {
            try {
                pool.work(NO_REFILL, late::add);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertThat(zeroing.await(10, TimeUnit.SECONDS)).isTrue(); // the zeroer holds the chunk

        List<Chunk> drainedChunks = new ArrayList<>();
        pool.drainTo(drainedChunks::add, true);
        drained.countDown();
        zeroer.join(10_000);

        assertThat(failure.get()).isNull();
        assertThat(drainedChunks).as("the zeroer held it").isEmpty();
        assertThat(late).as("handed back by the zeroer itself").containsExactly(chunk);
        assertThat(readsZero(chunk)).isTrue();
    }

    @Test
    void idleDecayShouldDrainOnlyClassesUnusedSinceTheLastTick() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, source, null);
        Chunk chunk = freshChunk();
        pool.offer(chunk);
        List<Chunk> drained = new ArrayList<>();

        assertThat(pool.drainUnusedTo(drained::add)).as("used since the last tick: kept").isZero();
        assertThat(pool.drainUnusedTo(drained::add)).as("unused for a whole tick").isEqualTo(PAGE);
        assertThat(drained).containsExactly(chunk);
    }

    /** Chunks a take handed back because zeroing them failed. */
    private final List<Chunk> handedBack = new ArrayList<>();

    private Chunk take(CpuPool pool) {
        return pool.take(CLASS_4K, handedBack::add);
    }

    @Test
    void aRefillShouldNeverOverfillThePoolWhileThreadsOfferChunksDuringIt() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 4 * PAGE, source, null); // 4 slots of 4 KiB
        Chunk reused = freshChunk();
        pool.offer(reused);
        for (int i = 0; i < 3; i++) { // three dirty takes: demand for three
            take(pool);
            pool.offer(reused);
        }
        List<Boolean> offeredDuringRefill = new ArrayList<>();

        pool.work(index -> {
            for (int i = 0; i < 3; i++) { // a freeing thread fills the pool while the zeroer refills
                offeredDuringRefill.add(pool.offer(freshChunk()));
            }
            return freshChunk();
        }, c -> { });

        assertThat(offeredDuringRefill).as("the refill's room was reserved").containsExactly(true, true, false);
        long[][] counts = snapshot(pool);
        assertThat(counts[0][CLASS_4K] + counts[1][CLASS_4K]).as("chunks held").isEqualTo(4);
        assertThat(counts[2][4]).as("bytes held: the cap").isEqualTo(4 * PAGE);
        for (int i = 0; i < 4; i++) {
            assertThat(readsZero(take(pool))).isTrue();
        }
        assertThat(take(pool)).isNull();
    }

    @Test
    void aShrinkWhileTheZeroerHoldsChunksShouldHaveTheZeroerGiveThemBackInsteadOfWaiting() {
        AtomicReference<CpuPool> poolRef = new AtomicReference<>();
        List<Chunk> drained = new ArrayList<>();
        MemorySource shrinkDuringZeroing = new DelegatingSource(source) {
            @Override
            public void zero(long address, long byteSize) {
                poolRef.get().drainTo(drained::add, false); // a shrink, while the zeroer holds the chunk
                super.zero(address, byteSize);
            }
        };
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, shrinkDuringZeroing, null);
        poolRef.set(pool);
        Chunk chunk = freshChunk();
        scribble(chunk);
        pool.offer(chunk);
        List<Chunk> givenBack = new ArrayList<>();

        pool.work(NO_REFILL, givenBack::add);

        assertThat(drained).as("the zeroer held it when the shrink ran").isEmpty();
        assertThat(givenBack).containsExactly(chunk);
        long[][] counts = snapshot(pool);
        assertThat(counts[0][CLASS_4K] + counts[1][CLASS_4K]).as("nothing kept").isZero();
        assertThat(counts[2][4]).as("bytes held").isZero();
    }

    @Test
    void aTakeWhoseZeroingFailsShouldHandTheChunkBackAndThrow() {
        CpuPool pool = new CpuPool(0, classes, classes.count(), 1 << 20, new FailingZero(source, 1), null);
        Chunk chunk = freshChunk();
        scribble(chunk);
        pool.offer(chunk);

        assertThatThrownBy(() -> take(pool)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("injected");

        assertThat(handedBack).as("not lost").containsExactly(chunk);
        long[][] counts = snapshot(pool);
        assertThat(counts[1][CLASS_4K]).as("no longer counted here").isZero();
        assertThat(counts[2][4]).isZero();
    }

    /** [0] clean chunks per class, [1] dirty per class, [2] totals (clean takes, dirty takes, zeroed idle, offers, bytes). */
    private static long[][] snapshot(CpuPool pool) {
        long[] clean = new long[64];
        long[] dirty = new long[64];
        long[] takes = new long[64];
        long[] totals = new long[5];
        pool.lock();
        try {
            pool.snapshotInto(clean, dirty, takes, totals);
        } finally {
            pool.unlock();
        }
        return new long[][] {clean, dirty, totals};
    }

    /** A source whose first {@code failures} zeroings fail. */
    private static final class FailingZero extends DelegatingSource {
        private int failures;

        FailingZero(MemorySource delegate, int failures) {
            super(delegate);
            this.failures = failures;
        }

        @Override
        public void zero(long address, long byteSize) {
            if (failures > 0) {
                failures--;
                throw new IllegalStateException("injected zeroing failure");
            }
            super.zero(address, byteSize);
        }
    }

    /** A source whose zeroing signals that it started, then waits for a latch. */
    private static final class GatedZero extends DelegatingSource {
        private final CountDownLatch started;
        private final CountDownLatch proceed;

        GatedZero(MemorySource delegate, CountDownLatch started, CountDownLatch proceed) {
            super(delegate);
            this.started = started;
            this.proceed = proceed;
        }

        @Override
        public void zero(long address, long byteSize) {
            started.countDown();
            try {
                if (!proceed.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the zeroing go on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            super.zero(address, byteSize);
        }
    }
}
