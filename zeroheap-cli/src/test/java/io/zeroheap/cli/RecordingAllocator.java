package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A test allocator that records who called what: which threads allocated and freed, how many
 * ran at once, how many operations and bursts there were; it can also be made slow or made to
 * fail. Its buffers are slices of one shared arena (never freed before {@link #close()}).
 * Thread-safe.
 */
class RecordingAllocator implements HandOverAllocator<MemorySegment> {

    final Set<String> allocatingThreads = ConcurrentHashMap.newKeySet();
    final Set<String> freeingThreads = ConcurrentHashMap.newKeySet();
    final AtomicLong allocations = new AtomicLong();
    final AtomicLong frees = new AtomicLong();
    final AtomicLong afterBursts = new AtomicLong();
    final AtomicLong prepares = new AtomicLong();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final Arena arena = Arena.ofShared();
    private final long sleepNanos;
    private final long failAfter;

    /** Each operation takes at least {@code sleepNanos}; the operation after {@code failAfter} throws (never if negative). */
    RecordingAllocator(long sleepNanos, long failAfter) {
        this.sleepNanos = sleepNanos;
        this.failAfter = failAfter;
    }

    @Override
    public MemorySegment allocate(int byteSize) {
        long n = allocations.incrementAndGet();
        if (failAfter >= 0 && n > failAfter) {
            throw new IllegalStateException("injected failure at allocation " + n);
        }
        allocatingThreads.add(Thread.currentThread().getName());
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            long deadline = System.nanoTime() + sleepNanos;
            while (System.nanoTime() < deadline) {
                LockSupport.parkNanos(Math.max(1000, deadline - System.nanoTime()));
            }
            return arena.allocate(byteSize);
        } finally {
            concurrent.decrementAndGet();
        }
    }

    @Override
    public MemorySegment segment(MemorySegment buffer) {
        return buffer;
    }

    @Override
    public void free(MemorySegment buffer) {
        freeingThreads.add(Thread.currentThread().getName());
        frees.incrementAndGet();
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        action.accept(allocate(byteSize));
    }

    @Override
    public void prepare(Cell cell) {
        prepares.incrementAndGet();
    }

    @Override
    public void afterBurst() {
        afterBursts.incrementAndGet();
    }

    @Override
    public void close() {
        arena.close();
    }
}
