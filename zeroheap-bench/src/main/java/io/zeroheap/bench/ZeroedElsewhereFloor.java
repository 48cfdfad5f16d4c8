package io.zeroheap.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The floor of any design that zeroes on another thread ({@link AllocateBenchmark}'s
 * {@code burst_floorZeroedElsewhere}): {@value AllocateBenchmark#BURST} segments per thread,
 * each burst taking them in order, all re-zeroed in the gap after each burst
 * (untimed) by a second thread, which the gap waits for.
 */
@State(Scope.Thread)
public class ZeroedElsewhereFloor {
    final MemorySegment[] pool = new MemorySegment[AllocateBenchmark.BURST];
    private final ExecutorService zeroer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("floor-zeroer").daemon().factory());
    private Arena arena;

    /** Maps and faults in this thread's pool and has {@code burst} zero it in every gap. */
    @Setup(Level.Trial)
    public void setUp(AllocateBenchmark benchmark, AllocateBenchmark.Burst burst) {
        arena = Arena.ofShared();
        for (int i = 0; i < AllocateBenchmark.BURST; i++) {
            pool[i] = FloorMemory.allocate(arena, benchmark.size);
            FloorMemory.zero(pool[i]); // faulted in now, not in the first burst
        }
        burst.beforeGap = this::zeroOnAnotherThread;
    }

    private void zeroOnAnotherThread() {
        try {
            zeroer.submit(() -> {
                for (MemorySegment segment : pool) {
                    FloorMemory.zero(segment);
                }
            }).get();
        } catch (Exception e) {
            throw new IllegalStateException("the zeroer thread failed", e);
        }
    }

    /** Stops the zeroer thread and unmaps the pool. */
    @TearDown(Level.Trial)
    public void tearDown() {
        zeroer.shutdownNow();
        arena.close();
    }
}
