package io.zeroheap.free;

import io.zeroheap.modelcheck.ModelChecks;
import io.zeroheap.util.Loggers;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static io.zeroheap.modelcheck.ModelChecks.actor;
import static io.zeroheap.modelcheck.ModelChecks.scenario;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model checks the worker's park and wake with Lincheck: the worker sets {@code parked},
 * re-checks for work, then parks; a producer publishes its item, then reads {@code parked} and
 * unparks (by CAS) if set. No wake-up may be lost: the worker, which loops until it has taken
 * every item the scenario defers, must never stay parked while an item waits for it (Lincheck
 * reports a worker parked for ever as a hung execution, with its interleaving).
 *
 * <p>The protocol in isolation, through package-private seams: the worker's idle step runs on a
 * Lincheck thread ({@link FreeWorker#idleOnCallingThread()}), it parks through
 * {@link StrictParking} (Lincheck's own parks may wake spuriously, which would hide a lost
 * wake-up), and the list's intake is an atomic count (the real one is a volatile read too; its
 * CASes are checked in {@code io.zeroheap.DeferredFreeListLincheckTest}). Lincheck checks
 * sequentially consistent executions, which is what the protocol's volatile accesses give. In
 * the model the linger's clock did not run out (no interleaving of {@link LingersFirst} parked
 * after lingering): that one checks the linger alone, with the flag clear.
 */
class FreeWorkerLincheckTest {

    @Test
    void aWakeAfterAPushShouldNeverBeLostByAWorkerThatParksAtOnce() {
        ModelChecks.Explored explored = ModelChecks.check("parkAtOnce", ParksAtOnce.class,
                scenarios(ParksAtOnce.class, 400));
        assertThat(explored.observations()).as("the worker's re-check found the item")
                .containsKey("idle, found the items before parking");
        assertThat(explored.observations().keySet()).as("a producer saw the flag and unparked it")
                .anyMatch(label -> label.startsWith("parked"));
    }

    @Test
    void aLingeringWorkerShouldFindEveryItemPushedWithoutBeingWoken() {
        ModelChecks.check("linger", LingersFirst.class, scenarios(LingersFirst.class, 100));
    }

    /** A worker, a producer; two producers; three items, one deferred before the worker starts. */
    private static ModelCheckingOptions scenarios(Class<?> model, int invocationsPerScenario) {
        return new ModelCheckingOptions()
                .sequentialSpecification(Spec.class)
                .iterations(0).invocationsPerIteration(invocationsPerScenario)
                .addCustomScenario(scenario(List.of(),
                        List.of(List.of(actor(model, "worker", 1)), List.of(actor(model, "defer"))), List.of()))
                .addCustomScenario(scenario(List.of(),
                        List.of(List.of(actor(model, "worker", 2)), List.of(actor(model, "defer")),
                                List.of(actor(model, "defer"))),
                        List.of()))
                .addCustomScenario(scenario(List.of(actor(model, "defer")),
                        List.of(List.of(actor(model, "worker", 3)),
                                List.of(actor(model, "defer"), actor(model, "defer"))),
                        List.of()));
    }

    /** The worker with no linger: it parks as soon as it finds nothing. */
    public static final class ParksAtOnce extends Model {
        public ParksAtOnce() {
            super(0);
        }
    }

    /** The worker lingering 1 ms (timed parks with the flag clear) before it parks. */
    public static final class LingersFirst extends Model {
        public LingersFirst() {
            super(1_000_000);
        }
    }

    /**
     * One worker and its producers, for Lincheck; the intake is an atomic count of items. The
     * worker's logger is never resolved (nothing here logs): Lincheck walks each model's object
     * graph, and a resolved logger reaches all of java.util.logging.
     */
    public abstract static class Model implements ModelChecks.Observing {
        private final AtomicInteger intake = new AtomicInteger();
        private final ReentrantLock lock = new ReentrantLock();
        private final FreeWorker worker;
        private volatile boolean wentIdle;

        Model(long lingerNanos) {
            ModelChecks.invocationStarted(this);
            worker = new FreeWorker("model-checked-worker", 19, lingerNanos, null, lock,
                    Loggers.lazy(FreeWorker.class.getName()), this, new FreeWorker.Work() {
                        @Override
                        public void freeAll() {
                            intake.set(0);
                        }

                        @Override
                        public boolean hasWork() {
                            return intake.get() > 0;
                        }

                        @Override
                        public boolean isClosed() {
                            return false;
                        }
                    }, new StrictParking());
        }

        /** The worker: takes what was deferred, idling whenever nothing is there, until it took {@code items}. */
        @Operation
        public void worker(int items) {
            int taken = 0;
            while (taken < items) {
                int found = intake.getAndSet(0);
                if (found == 0) {
                    worker.idleOnCallingThread();
                    wentIdle = true;
                }
                taken += found;
            }
        }

        /** A producer: publishes an item, then wakes the worker if it is parked (as defer does). */
        @Operation
        public void defer() {
            intake.incrementAndGet();
            worker.wake();
        }

        /** Whether the worker went idle, and whether it parked (then a producer unparked it). */
        @Override
        public String observation() {
            long parks;
            lock.lock();
            try {
                parks = worker.wakeups();
            } finally {
                lock.unlock();
            }
            return !wentIdle ? "never idle" : parks == 0 ? "idle, found the items before parking"
                    : "parked " + parks + "x, unparked by producers " + worker.unparks() + "x";
        }
    }

    /**
     * {@link java.util.concurrent.locks.LockSupport}'s permit without its spurious wake-ups: a
     * park waits (spinning, which Lincheck sees as a thread that cannot go on) until an unpark
     * leaves a permit, or takes the one left; a timed park takes a permit if there is one and
     * returns (its time is up). Lincheck's own parks may wake spuriously, which would hide a
     * worker parked for ever.
     */
    static final class StrictParking implements FreeWorker.Parking {
        private final AtomicBoolean permit = new AtomicBoolean();

        @Override
        public void park(Object blocker) {
            while (!permit.getAndSet(false)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            permit.set(false);
        }

        @Override
        public void unpark(Thread thread) {
            permit.set(true);
        }
    }

    /** The sequential specification: the operations return nothing (a lost wake-up hangs). */
    public static final class Spec {
        public void worker(int items) {
        }

        public void defer() {
        }
    }
}
