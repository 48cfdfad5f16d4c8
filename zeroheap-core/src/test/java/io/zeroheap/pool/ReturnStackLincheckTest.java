package io.zeroheap.pool;

import io.zeroheap.modelcheck.ModelChecks;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model checks {@link ReturnStack} with Lincheck: pushes (freeing threads) and takes (pool lock
 * holders; here any thread, which the stack allows) from several threads at once are
 * linearizable to a sequential stack that hands back everything pushed so far, newest first;
 * push is lock-free (Lincheck checks it is obstruction-free); and once they are done the page
 * count matches the chunks on the stack.
 */
@Param(name = "pages", gen = IntGen.class, conf = "1:4")
public final class ReturnStackLincheckTest {

    private final ReturnStack stack = new ReturnStack();

    public ReturnStackLincheckTest() {
        ModelChecks.invocationStarted(this);
    }

    /** Pushes a chunk of {@code nrPages} pages (its page count is how takes tell chunks apart). */
    @Operation
    public void push(@Param(name = "pages") int nrPages) {
        stack.push(new Chunk(0, nrPages * 4096L, nrPages, null, (item, reason) -> { }));
    }

    /** Takes everything; returns the page counts of the chunks taken, in the order handed back. */
    @Operation
    public List<Long> takeAll() {
        List<Long> taken = new ArrayList<>();
        for (Chunk chunk = stack.takeAll(); chunk != null; chunk = chunk.nextReturned) {
            taken.add(chunk.nrPages());
        }
        return taken;
    }

    /** After all threads: the page count is the sum of the chunks still on the stack. */
    @Validate
    public void pagesEstimateShouldCountTheChunksOnTheStack() {
        long pages = 0;
        for (Chunk chunk = stack.head; chunk != null; chunk = chunk.nextReturned) {
            pages += chunk.nrPages();
        }
        if (stack.pagesEstimate() != pages) {
            throw new AssertionError("pagesEstimate: " + stack.pagesEstimate() + " (expected: " + pages
                    + ", the chunks on the stack)");
        }
    }

    @Test
    void pushesAndTakesFromThreeThreadsShouldBeLinearizableToASequentialStack() {
        ModelChecks.Explored explored = ModelChecks.check("modelChecking", getClass(), new ModelCheckingOptions()
                .sequentialSpecification(SequentialStack.class)
                .checkObstructionFreedom(true)
                .iterations(4).invocationsPerIteration(200)
                .threads(3).actorsPerThread(2).actorsBefore(1).actorsAfter(1));
        assertThat(explored.invocations()).isPositive();
    }

    @Test
    void pushesAndTakesShouldBeLinearizableUnderStress() {
        ModelChecks.check("stress", getClass(), new StressOptions()
                .sequentialSpecification(SequentialStack.class)
                .iterations(3).invocationsPerIteration(100)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1));
    }

    /** The sequential specification: a stack whose takeAll empties it, newest first. */
    public static final class SequentialStack {
        private final Deque<Long> pages = new ArrayDeque<>();

        public void push(int nrPages) {
            pages.push((long) nrPages);
        }

        public List<Long> takeAll() {
            List<Long> taken = new ArrayList<>(pages);
            pages.clear();
            return taken;
        }
    }
}
