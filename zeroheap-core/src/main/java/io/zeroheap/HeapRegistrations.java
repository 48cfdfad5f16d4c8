package io.zeroheap;

import io.zeroheap.util.Loggers;
import io.zeroheap.observe.HeapMXBeanImpl;
import io.zeroheap.observe.HeapStatisticsPeriodic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A heap's entries in process-wide registries, and their removal when it closes: its
 * shrinkers in {@link Shrinkers#system()}, its JMX bean, its idle-decay tick on its
 * {@link Reclaimer} and its periodic JFR statistics (the {@link Heaps} registry itself is
 * entered by the builder and left here).
 *
 * <p>Thread-safety: the {@code register}/{@code add} methods are called by the heap's builder
 * only, before the heap is handed out, which publishes what they set. {@link #removeAll} is
 * called once, by the thread that closes the heap; the decay registration is volatile
 * because the reclaim thread may tick the heap meanwhile. {@link #closeFailures} may be read
 * from any thread (an atomic).
 */
final class HeapRegistrations {

    private static final System.Logger LOG = Loggers.lazy(SystemHeap.class.getName());

    private final Heap heap;
    private final List<Shrinkers.Registration> systemRegistrations = new ArrayList<>();
    private final Supplier<HeapStats> periodicStats;
    /** Set by the builder when the heap has a JMX bean; unregistered on close. */
    private HeapMXBeanImpl mxBean;
    private volatile Shrinkers.Registration decayRegistration;
    /** Failures of close() steps that do not free memory (the JMX bean's removal); logged too. */
    private final AtomicLong closeFailures = new AtomicLong();

    HeapRegistrations(Heap heap) {
        this.heap = heap;
        this.periodicStats = heap::stats;
    }

    /**
     * Registers the heap's shrinkers, in order, with {@link Shrinkers#system()}, converted from
     * the heap's pages to the OS pages that registry counts in (see {@link Shrinker}); null
     * ones are skipped.
     *
     * @param heapPagesPerOsPage how many OS pages one of the heap's pages is (1 for most heaps)
     */
    void registerWithSystem(long heapPagesPerOsPage, Shrinker... shrinkers) {
        for (Shrinker shrinker : shrinkers) {
            if (shrinker != null) {
                Shrinker inOsPages = heapPagesPerOsPage == 1 ? shrinker : new OsPages(shrinker, heapPagesPerOsPage);
                systemRegistrations.add(Shrinkers.system().register(inOsPages));
            }
        }
    }

    /** A shrinker counting in pages {@code factor} times the OS page, seen in OS pages. */
    private record OsPages(Shrinker shrinker, long factor) implements Shrinker {
        @Override
        public long count() {
            long count = shrinker.count();
            return count > Long.MAX_VALUE / factor ? Long.MAX_VALUE : count * factor;
        }

        @Override
        public long scan(long nrToScan) {
            io.zeroheap.util.Checks.requireNonNegative(nrToScan, "nrToScan");
            long heapPages = nrToScan / factor + (nrToScan % factor != 0 ? 1 : 0); // rounded up, no overflow
            long freed = shrinker.scan(heapPages);
            return freed > Long.MAX_VALUE / factor ? Long.MAX_VALUE : freed * factor;
        }

        @Override
        public int seeks() {
            return shrinker.seeks();
        }
    }

    /**
     * Registers the heap's JMX bean.
     *
     * @throws RuntimeException as {@link HeapMXBeanImpl#register} does
     */
    void registerMXBean() {
        mxBean = HeapMXBeanImpl.register(heap);
    }

    /** Has {@code reclaimer} call {@code tick} every {@code tickNanos}. */
    void registerDecay(Reclaimer reclaimer, long tickNanos, LongSupplier tick) {
        decayRegistration = reclaimer.registerDecay(tickNanos, tick);
    }

    /** Adds the heap to the periodic JFR heap statistics. */
    void addPeriodicStats() {
        HeapStatisticsPeriodic.add(periodicStats);
    }

    /**
     * Removes the heap from everything it was registered with: its JMX bean first (so a heap
     * of the same name built right after gets its own; a failure is logged and counted, and
     * the rest goes on), then {@link Heaps}, {@link Shrinkers#system()}, the idle decay and
     * the periodic statistics.
     */
    void removeAll() {
        if (mxBean != null) {
            try {
                mxBean.unregister();
            } catch (RuntimeException e) { // the memory matters more than the bean: go on
                closeFailures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "heap '" + heap.name() + "': its JMX bean "
                        + mxBean.objectName() + " could not be removed", e);
            }
        }
        Heaps.unregister(heap);
        systemRegistrations.forEach(Shrinkers.Registration::close);
        Shrinkers.Registration decay = decayRegistration;
        if (decay != null) {
            decay.close();
        }
        HeapStatisticsPeriodic.remove(periodicStats);
    }

    /** Returns how many close() steps that free no memory failed (logged). */
    long closeFailures() {
        return closeFailures.get();
    }
}
