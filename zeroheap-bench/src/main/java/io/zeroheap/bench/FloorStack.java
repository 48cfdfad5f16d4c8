package io.zeroheap.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The floors' stack: one segment per thread (one buffer is live at a time), mapped and
 * faulted in at setup, used last-in first-out, so each operation reuses the segment the
 * previous one freed, hot in this core's cache.
 */
@State(Scope.Thread)
public class FloorStack {
    final ArrayDeque<MemorySegment> stack = new ArrayDeque<>();
    private Arena arena;

    /** Maps this thread's segment and faults it in. */
    @Setup(Level.Trial)
    public void setUp(AllocateBenchmark benchmark) {
        arena = Arena.ofShared();
        MemorySegment segment = FloorMemory.allocate(arena, benchmark.size);
        FloorMemory.zero(segment);
        stack.push(segment);
    }

    /** Unmaps the segment. */
    @TearDown(Level.Trial)
    public void tearDown() {
        stack.clear();
        arena.close();
    }
}
