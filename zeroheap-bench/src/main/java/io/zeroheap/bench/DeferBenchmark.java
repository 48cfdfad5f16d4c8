package io.zeroheap.bench;

import io.zeroheap.DeferredFreeList;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of {@code defer}: one producer thread, then two, hands one pending free to a
 * deferred-free list whose nice-19 consumer thread frees items with a no-op action.
 *
 * <p>Implementations ({@code impl}), each with its own consumer thread at Linux niceness 19
 * and the same contract (an item is refused while pending, and may be deferred again once its
 * free action has returned):
 * <ul>
 *   <li>{@code zeroheap}: {@link DeferredFreeList} (lock-free intake stack, its own worker);</li>
 *   <li>{@code synchronizedList}: {@link SynchronizedDeferList}, the seed's design (locked
 *       intrusive FIFO list and wait queue) with a monitor;</li>
 *   <li>{@code reentrantLockList}: {@link ReentrantLockDeferList}, the same with a
 *       {@code ReentrantLock} and {@code Condition};</li>
 *   <li>{@code concurrentLinkedQueue}: {@link ConcurrentQueueDeferList}, a
 *       {@code ConcurrentLinkedQueue}, an {@code AtomicLong} page count and park/unpark.</li>
 * </ul>
 * Every consumer is woken only when it has parked, never on every {@code defer}. The peers are a
 * {@code @Param} rather than sibling methods so that each implementation runs in its own fork:
 * one consumer thread per JVM, and monomorphic call sites.
 *
 * <p><b>What the score is.</b> Each producer thread owns a ring of {@code ringSize}
 * preallocated items and defers them in turn; before re-deferring an item that is still
 * pending, it waits until the consumer has freed it. The same rule applies to every
 * implementation. So the backlog is bounded ({@code ringSize} items per producer), and the
 * score is the steady state: while the consumer keeps up it is the cost of {@code defer} itself
 * (including waking a parked consumer); where the consumer lags, which a nice-19 thread does on
 * a busy machine, producers are throttled to the consumer's rate and the score includes that
 * wait. Two counters tell the two apart: {@code defers} and {@code stalledDefers}, the defers
 * (summed over threads and iterations) that found their item still pending; their ratio is
 * the fraction of throttled defers.
 *
 * <p>How a producer waits ({@code whenPending}):
 * <ul>
 *   <li>{@code spin}: {@link Thread#onSpinWait()} until the item is free. The producer keeps
 *       its CPU, so when producers fill every core the nice-19 consumer runs only in the slivers
 *       the scheduler's weights give it (about 1.5% of a core against two nice-0 spinners), and
 *       the score is dominated by scheduling, not by the list.</li>
 *   <li>{@code park}: {@link LockSupport#parkNanos(long)} ({@value #PARK_NANOS} ns, about 50 us
 *       in practice with Linux timer slack) until the item is free. The producer gives its core
 *       to the consumer, so under saturation the score is the sustainable end-to-end rate of
 *       the design (defer plus its share of freeing), a sound figure on a machine with fewer
 *       free cores than threads.</li>
 * </ul>
 * A variant without backpressure is not reported, because it would not be sound: without the
 * wait every defer needs a fresh item, so allocation and GC enter the measurement, and the
 * backlog grows without bound whenever the consumer lags. A larger {@code -p ringSize} gives
 * more slack instead.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar zeroheap-bench/target/benchmarks.jar
 * DeferBenchmark}. A trial fails if a consumer did not get niceness 19 or if any item is still
 * pending after {@code close()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class DeferBenchmark {

    /** Pages per item; the cost of defer does not depend on it. */
    static final long NR_PAGES = 1;

    /** The park time asked for by {@code whenPending=park}; Linux rounds it up to its timer slack. */
    static final long PARK_NANOS = 1_000;

    /** The implementation under test. */
    @Param({"zeroheap", "synchronizedList", "reentrantLockList", "concurrentLinkedQueue"})
    public String impl;

    /** Items each producer thread owns: the most it can have pending at once. */
    @Param("4096")
    public int ringSize;

    /** How a producer waits for an item that is still pending: {@code spin} or {@code park}. */
    @Param({"spin", "park"})
    public String whenPending;

    private DeferTarget<Object> target;
    private final Queue<Producer> producers = new ConcurrentLinkedQueue<>();

    /** Creates the list and starts its consumer. */
    @Setup(Level.Trial)
    public void setUp() {
        target = create(impl);
    }

    /** Closes the list (freeing what is left), then checks its consumer's niceness and items. */
    @TearDown(Level.Trial)
    public void tearDown() {
        OptionalInt nice = target.consumerNice();
        target.close();
        if (nice.isEmpty() || nice.getAsInt() != ConsumerThreads.NICE) {
            throw new IllegalStateException("consumer niceness of " + impl + ": " + nice
                    + " (expected: " + ConsumerThreads.NICE + "; run with --enable-native-access=ALL-UNNAMED on Linux)");
        }
        for (Producer producer : producers) {
            for (Object item : producer.ring) {
                if (target.isPending(item)) {
                    throw new IllegalStateException("item " + item + " of " + impl
                            + " after close(): pending (expected: freed)");
                }
            }
        }
    }

    /** One producer thread defers one item. */
    @Benchmark
    @Threads(1)
    public void defer1Thread(Producer producer) {
        producer.deferNext();
    }

    /** Two producer threads each defer one item. */
    @Benchmark
    @Threads(2)
    public void defer2Threads(Producer producer) {
        producer.deferNext();
    }

    @SuppressWarnings("unchecked")
    private static DeferTarget<Object> create(String impl) {
        DeferTarget<?> target = switch (impl) {
            case "zeroheap" -> new ZeroheapTarget();
            case "synchronizedList" -> new SynchronizedDeferList();
            case "reentrantLockList" -> new ReentrantLockDeferList();
            case "concurrentLinkedQueue" -> new ConcurrentQueueDeferList();
            default -> throw new IllegalArgumentException("impl: " + impl
                    + " (expected: zeroheap, synchronizedList, reentrantLockList or concurrentLinkedQueue)");
        };
        return (DeferTarget<Object>) target;
    }

    /**
     * One producer thread's ring of items, and its counts of defers and of those that had to
     * wait for the consumer. Confined to its thread; the benchmark state reads the ring only
     * after the trial.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Producer {
        /** Defers this iteration. */
        public long defers;
        /** Defers this iteration that found their item still pending and waited for it. */
        public long stalledDefers;

        private DeferTarget<Object> target;
        private boolean park;
        private Object[] ring;
        private int next;

        /** Preallocates this thread's items on the benchmark's list. */
        @Setup(Level.Trial)
        public void setUp(DeferBenchmark benchmark) {
            if (benchmark.ringSize < 1) {
                throw new IllegalArgumentException("ringSize: " + benchmark.ringSize + " (expected: >= 1)");
            }
            target = benchmark.target;
            park = switch (benchmark.whenPending) {
                case "spin" -> false;
                case "park" -> true;
                default -> throw new IllegalArgumentException("whenPending: " + benchmark.whenPending
                        + " (expected: spin or park)");
            };
            ring = new Object[benchmark.ringSize];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = target.newItem(NR_PAGES);
            }
            benchmark.producers.add(this);
        }

        /** Resets the counters; JMH sums them over threads and iterations. */
        @Setup(Level.Iteration)
        public void resetCounters() {
            defers = 0;
            stalledDefers = 0;
        }

        void deferNext() {
            Object item = ring[next];
            if (++next == ring.length) {
                next = 0;
            }
            if (target.isPending(item)) {
                stalledDefers++;
                waitUntilFree(item);
            }
            target.defer(item);
            defers++;
        }

        private void waitUntilFree(Object item) {
            do {
                if (park) {
                    LockSupport.parkNanos(PARK_NANOS);
                } else {
                    Thread.onSpinWait();
                }
            } while (target.isPending(item));
        }
    }

    /** The real list behind {@link DeferTarget}: a direct call to each of its methods. */
    static final class ZeroheapTarget implements DeferTarget<DeferredFreeList.Item> {
        private static final DeferredFreeList.FreeAction NO_OP = (item, reason) -> { };

        private final DeferredFreeList list = DeferredFreeList.builder().build();

        @Override
        public DeferredFreeList.Item newItem(long nrPages) {
            return new DeferredFreeList.Item(nrPages, NO_OP);
        }

        @Override
        public boolean isPending(DeferredFreeList.Item item) {
            return item.isPending();
        }

        @Override
        public void defer(DeferredFreeList.Item item) {
            list.defer(item);
        }

        @Override
        public OptionalInt consumerNice() {
            return list.stats().workerNice();
        }

        @Override
        public void close() {
            list.close();
        }
    }
}
