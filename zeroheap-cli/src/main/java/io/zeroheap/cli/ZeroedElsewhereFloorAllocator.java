package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A physical floor for bursts ({@code floor-elsewhere}): a per-thread pool of as many segments
 * as a burst takes ({@linkplain #prepare mapped before the warm-up}), each burst taking them in order; after each burst, untimed, a dedicated
 * zeroer thread zeroes every segment the burst used ({@link FloorZeroing}) and the benchmark
 * thread waits for it, so the idle gap starts once the zeroing is done. The next burst then
 * writes memory another core wrote last: the floor of any design that zeroes off the
 * allocating thread, with no allocator around it. It has no sustained form (there is no gap to
 * zero in). Memory held: a burst's segments per thread.
 *
 * <p>Thread-safe: each thread has its own pool ({@link ThreadLocal}); the one zeroer thread
 * serves every benchmark thread in turn.
 */
final class ZeroedElsewhereFloorAllocator implements Allocator {

    private final FloorMemory memory = new FloorMemory();
    private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);
    private final ExecutorService zeroer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("floor-zeroer").daemon().factory());

    /** Gives this thread a burst's worth of segments of the cell's size, faulted in, so no measured operation maps memory. */
    @Override
    public void prepare(Cell cell) {
        pools.get().fill(memory, Math.toIntExact(cell.byteSize()), cell.regime().burstLength());
    }

    @Override
    public long cycle(int byteSize, BufferUse use) {
        return use.apply(pools.get().next(memory, byteSize));
    }

    /** Takes the next segment, hands it to {@code action}, then has it zeroed as after a burst. */
    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        action.accept(pools.get().next(memory, byteSize));
        afterBurst();
    }

    /** Has the zeroer thread zero every segment this thread's burst used, and waits for it. */
    @Override
    public void afterBurst() {
        Pool pool = pools.get();
        if (pool.used == 0) {
            return;
        }
        List<MemorySegment> used = List.copyOf(pool.segments.subList(0, pool.used));
        try {
            zeroer.submit(() -> used.forEach(FloorZeroing::zero)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the zeroer thread zeroed a burst's segments", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the zeroer thread failed", e.getCause());
        }
        pool.used = 0;
    }

    /** Frees every segment (no benchmark thread is running). */
    @Override
    public void trim() {
        memory.reset();
    }

    @Override
    public long heldBytes() {
        return memory.heldBytes();
    }

    @Override
    public void close() {
        zeroer.shutdownNow();
        memory.close();
    }

    /** One thread's segments, in the order a burst takes them; touched only by its thread. */
    private static final class Pool {
        final List<MemorySegment> segments = new ArrayList<>();
        int used;
        int epoch = -1;

        /**
         * Makes sure the pool holds at least {@code count} segments of {@code byteSize} bytes, each
         * new one written once (zeroed) so its pages are faulted in before any operation runs.
         */
        void fill(FloorMemory memory, int byteSize, int count) {
            forget(memory, byteSize);
            while (segments.size() < count) {
                MemorySegment segment = memory.allocate(byteSize);
                FloorZeroing.zero(segment);
                segments.add(segment);
            }
        }

        /** The burst's next segment: the pool's, if it has one of this size, else a new one added to it. */
        MemorySegment next(FloorMemory memory, int byteSize) {
            forget(memory, byteSize);
            if (used == segments.size()) {
                segments.add(memory.allocate(byteSize));
            }
            return segments.get(used++);
        }

        /** Drops segments of another generation or size (freed by the next reset). */
        private void forget(FloorMemory memory, int byteSize) {
            if (epoch != memory.epoch() || (!segments.isEmpty() && segments.getFirst().byteSize() != byteSize)) {
                segments.clear();
                used = 0;
                epoch = memory.epoch();
            }
        }
    }
}
