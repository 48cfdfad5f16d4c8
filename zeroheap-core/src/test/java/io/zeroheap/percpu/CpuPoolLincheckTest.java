package io.zeroheap.percpu;

import io.zeroheap.modelcheck.ModelChecks;
import io.zeroheap.os.MemorySource;
import io.zeroheap.pool.Chunk;
import io.zeroheap.pool.SizeClasses;
import io.zeroheap.pool.TestChunks;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.zeroheap.modelcheck.ModelChecks.actor;
import static io.zeroheap.modelcheck.ModelChecks.scenario;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model checks a CPU pool's try-lock and its lock-free zeroed stack with Lincheck. Users
 * offer three 4 KiB chunks (the pool holds at most two) and take them back; the idle zeroer
 * zeroes the dirty ones outside the lock and puts them back, through the zeroed stack (a CAS
 * push) when a take, an offer or a drain holds the lock, which the next lock holder empties
 * (a swap); a drain may close the pool while the zeroer holds chunks.
 *
 * <p>What must hold, in every interleaving explored: a take never hands out a chunk that
 * someone else holds or that still has its user's bytes (not zeroed since offered); a drain
 * marks a chunk dirty unless it was zeroed; once all threads are done, the chunks the pool
 * still holds are exactly those that went in and did not come out, and its counts and bytes
 * held match them: nothing is lost on the zeroed stack, nothing is there twice.
 */
@Param(name = "chunk", gen = IntGen.class, conf = "0:2")
public final class CpuPoolLincheckTest implements ModelChecks.Observing {

    private static final long PAGE = 4096;

    private final Chunk[] chunks = {TestChunks.chunk(0x1000, PAGE, 0), TestChunks.chunk(0x2000, PAGE, 0),
            TestChunks.chunk(0x3000, PAGE, 0)};
    /** Whether a user (or the shared pools, after a drain) holds the chunk, not this pool or its zeroer. */
    private final AtomicBoolean[] outside = {new AtomicBoolean(true), new AtomicBoolean(true), new AtomicBoolean(true)};
    /**
     * Whether the chunk holds its user's bytes: set when offered, cleared when zeroed. Whoever
     * a chunk comes out to checks this before it marks the chunk {@link #outside}, after which
     * a user may offer it again.
     */
    private final AtomicBoolean[] userBytes = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicBoolean sawZeroedStack = new AtomicBoolean();
    private final AtomicBoolean lateSinkUsed = new AtomicBoolean();
    private final CpuPool pool = new CpuPool(0, new SizeClasses(PAGE, PAGE), 1, 2 * PAGE, new ZeroingRecorder(), null);

    public CpuPoolLincheckTest() {
        ModelChecks.invocationStarted(this);
    }

    /** A user lets go of chunk {@code index}, if it holds it: the pool keeps it (dirty) or refuses it. */
    @Operation
    public void offer(@Param(name = "chunk") int index) {
        if (!outside[index].compareAndSet(true, false)) {
            return; // the pool holds it
        }
        userBytes[index].set(true);
        if (!pool.offer(chunks[index])) {
            outside[index].set(true); // refused: its user frees it elsewhere
        }
    }

    /** A user takes a chunk, if the pool has one and its lock is free. */
    @Operation
    public void take() {
        peekZeroedStack();
        Chunk chunk = pool.take(0, dirty -> {
            throw new AssertionError("zeroing cannot fail here");
        });
        if (chunk != null) {
            check(!userBytes[indexOf(chunk)].get(),
                    chunk + " handed out with its last user's bytes (expected: zeroed)");
            cameOut(chunk, "taken");
        }
    }

    /** The idle zeroer's round: zero the dirty chunks, put them back (by the zeroed stack if the lock is taken). */
    @Operation
    public void zeroerWork() {
        pool.work(index -> null, chunk -> {
            lateSinkUsed.set(true);
            check(!userBytes[indexOf(chunk)].get(), chunk + " given back clean though not zeroed");
            cameOut(chunk, "handed to the late sink");
        });
    }

    /** Empties the pool into the shared pools, and closes it. */
    @Operation
    public void drainAndClose() {
        peekZeroedStack();
        pool.drainTo(chunk -> {
            check(chunk.dirty || !userBytes[indexOf(chunk)].get(), chunk + " drained as clean though not zeroed");
            cameOut(chunk, "drained");
        }, true);
    }

    /** After all threads: what the pool holds is what went in and did not come out, counted so. */
    @Validate
    public void thePoolShouldHoldExactlyTheChunksThatWentInAndDidNotComeOut() {
        peekZeroedStack();
        long[] clean = new long[1];
        long[] dirty = new long[1];
        long[] totals = new long[5];
        pool.lock();
        try {
            pool.snapshotInto(clean, dirty, new long[1], totals);
        } finally {
            pool.unlock();
        }
        List<Chunk> held = new ArrayList<>();
        pool.drainTo(held::add, false);
        List<Chunk> expected = new ArrayList<>();
        for (int i = 0; i < chunks.length; i++) {
            if (!outside[i].get()) {
                expected.add(chunks[i]);
            }
        }
        check(held.size() == expected.size() && held.containsAll(expected),
                "pool holds " + held + " (expected: " + expected + ")");
        check(clean[0] + dirty[0] == expected.size(), "counts: " + clean[0] + " clean + " + dirty[0]
                + " dirty (expected: " + expected.size() + " chunks)");
        check(totals[4] == expected.size() * PAGE,
                "bytes held: " + totals[4] + " (expected: " + expected.size() * PAGE + ")");
    }

    /** Notes whether the zeroer's chunks wait on the zeroed stack (it found the lock taken), not yet moved. */
    private void peekZeroedStack() {
        if (pool.zeroed != null) {
            sawZeroedStack.set(true);
        }
    }

    /** Which ways the zeroer's chunks went back: through the zeroed stack, to the late sink after the close. */
    @Override
    public String observation() {
        String zeroedStack = sawZeroedStack.get() ? "handed over through the zeroed stack" : null;
        String late = lateSinkUsed.get() ? "given to the late sink after the close" : null;
        return zeroedStack == null ? late : late == null ? zeroedStack : zeroedStack + ", " + late;
    }

    private void cameOut(Chunk chunk, String how) {
        check(!outside[indexOf(chunk)].getAndSet(true), chunk + " " + how + " while someone else holds it");
    }

    private int indexOf(Chunk chunk) {
        return (int) (chunk.address() / 0x1000) - 1;
    }

    private static void check(boolean holds, String message) {
        if (!holds) {
            throw new AssertionError(message);
        }
    }

    private final class ZeroingRecorder implements MemorySource {
        @Override
        public void zero(long address, long byteSize) {
            userBytes[(int) (address / 0x1000) - 1].set(false);
        }

        @Override
        public long pageSize() {
            return PAGE;
        }

        @Override
        public long map(long byteSize, boolean populate, boolean hugePages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void unmap(long address, long byteSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canUnmapPartially() {
            return false;
        }

        @Override
        public boolean purge(long address, long byteSize) {
            return false;
        }

        @Override
        public boolean canPurge() {
            return false;
        }

        @Override
        public String name() {
            return "zeroing-recorder";
        }
    }

    @Test
    void theZeroersHandOverShouldLoseOrDuplicateNoChunkWhileTakesOffersAndADrainHoldTheLock() {
        Class<?> test = getClass();
        ModelChecks.Explored explored = ModelChecks.check("zeroedStack", test, new ModelCheckingOptions()
                .sequentialSpecification(NoResults.class)
                .iterations(0).invocationsPerIteration(400)
                .addCustomScenario(scenario(dirtyChunks(test),
                        List.of(List.of(actor(test, "zeroerWork")),
                                List.of(actor(test, "take"), actor(test, "take"))),
                        List.of()))
                .addCustomScenario(scenario(dirtyChunks(test),
                        List.of(List.of(actor(test, "zeroerWork")),
                                List.of(actor(test, "drainAndClose"))),
                        List.of()))
                .addCustomScenario(scenario(dirtyChunks(test),
                        List.of(List.of(actor(test, "zeroerWork")),
                                List.of(actor(test, "take")),
                                List.of(actor(test, "drainAndClose"))),
                        List.of())));
        assertThat(explored.observations().keySet()).as("the zeroer found the lock taken")
                .anyMatch(label -> label.contains("zeroed stack"));
        assertThat(explored.observations().keySet()).as("the zeroer saw the close")
                .anyMatch(label -> label.contains("late sink"));
    }

    /** Chunks 0 and 1 offered: the dirty chunks the zeroer starts from. */
    private static List<Actor> dirtyChunks(Class<?> test) {
        return List.of(actor(test, "offer", 0), actor(test, "offer", 1));
    }

    @Test
    void offersTakesZeroerRoundsAndDrainsFromThreeThreadsShouldKeepEveryChunkOnce() {
        ModelChecks.check("random", getClass(), new ModelCheckingOptions()
                .sequentialSpecification(NoResults.class)
                .iterations(3).invocationsPerIteration(100)
                .threads(3).actorsPerThread(2).actorsBefore(2).actorsAfter(1));
    }

    /** The sequential specification: every operation returns nothing (the checks above throw). */
    public static final class NoResults {
        public void offer(int index) {
        }

        public void take() {
        }

        public void zeroerWork() {
        }

        public void drainAndClose() {
        }
    }
}
