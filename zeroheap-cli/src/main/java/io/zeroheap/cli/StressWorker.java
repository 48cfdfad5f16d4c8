package io.zeroheap.cli;

import io.zeroheap.Heap;
import io.zeroheap.HeapBuffer;
import io.zeroheap.HeapOutOfMemoryError;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stress thread. In a loop: checks and frees what other threads handed it; allocates a
 * buffer of a random size (log-uniform), checks that it reads zero, writes its own tag over
 * it, and then closes it, keeps it a while, or hands it (sometimes an extra
 * {@linkplain HeapBuffer#retain() retained} reference to it) to another thread's inbox; one
 * round in four uses a confined heap arena instead. A receiving thread checks that the tag is
 * intact (no one else was handed the same memory) before it closes the buffer.
 *
 * <p>Threads: runs on its own thread; shares only the heap, the inboxes (thread-safe queues),
 * the counters (adders), the stop flag and the {@link Violation}. Stops at the stop flag or the
 * first violation anywhere, closing what it holds; buffers left in inboxes are the run's to close.
 */
final class StressWorker implements Runnable {

    /** Buffers a thread keeps open at once, besides its inbox. */
    private static final int MAX_HELD = 8;
    /** The allocation {@link FaultInjection#ZERO} corrupts (thread 0's); {@link FaultInjection#TAG} the first buffer from it on. */
    private static final long FAULTY_ALLOCATION = 100;

    /**
     * A buffer on its way to another thread, with what it must still read.
     *
     * @param buffer        the buffer (one reference of it)
     * @param tag           the byte its owner wrote over it (the checked part)
     * @param fromThread    the owner's index
     * @param allocation    the owner's allocation number
     * @param faultInjected TEST ONLY: whether {@link FaultInjection#TAG} overwrote a byte of it
     */
    record Envelope(HeapBuffer buffer, byte tag, int fromThread, long allocation, boolean faultInjected) {
    }

    private final int index;
    private final StressConfig config;
    private final Heap heap;
    private final List<BlockingQueue<Envelope>> inboxes;
    private final StressCounters counters;
    private final AtomicBoolean stop;
    private final Violation violation;
    private final SplittableRandom random;
    private final ArrayDeque<Envelope> held = new ArrayDeque<>();
    private final double logMin;
    private final double logMax;
    private long allocations;
    private boolean tagFaultInjected;

    StressWorker(int index, StressConfig config, Heap heap, List<BlockingQueue<Envelope>> inboxes,
                 StressCounters counters, AtomicBoolean stop, Violation violation) {
        this.index = index;
        this.config = config;
        this.heap = heap;
        this.inboxes = inboxes;
        this.counters = counters;
        this.stop = stop;
        this.violation = violation;
        this.random = new SplittableRandom(config.seed() + 0x9E3779B97F4A7C15L * (index + 1));
        this.logMin = Math.log(config.minByteSize());
        this.logMax = Math.log(config.maxByteSize());
    }

    @Override
    public void run() {
        try {
            while (!stop.get() && !violation.seen()) {
                long byteSize = Math.clamp(Math.round(Math.exp(logMin + random.nextDouble() * (logMax - logMin))),
                        config.minByteSize(), config.maxByteSize());
                try {
                    receive();
                    if (random.nextInt(4) == 0) {
                        arenaRound(byteSize);
                    } else {
                        bufferRound(byteSize);
                    }
                } catch (IllegalStateException | HeapOutOfMemoryError e) {
                    if (!InjectedFaults.causedBy(e)) {
                        throw e;
                    }
                    counters.faulted.increment(); // a clear failure of an injected fault: the run goes on
                }
            }
        } catch (RuntimeException | Error e) {
            violation.report("thread " + index + " failed after " + allocations + " allocations: " + e);
        } finally {
            while (!held.isEmpty()) {
                InjectedFaults.closeCounting(held.pollFirst().buffer(), counters);
            }
        }
    }

    /** Checks and closes every buffer waiting in this thread's inbox. */
    private void receive() {
        Envelope envelope;
        while ((envelope = inboxes.get(index).poll()) != null) {
            checkIntact(envelope, "received by thread " + index);
            envelope.buffer().close();
            counters.received.increment();
        }
    }

    private void bufferRound(long byteSize) {
        HeapBuffer buffer;
        try {
            buffer = heap.allocate(byteSize);
        } catch (HeapOutOfMemoryError e) {
            counters.refused.increment();
            while (!held.isEmpty()) {
                release(held.pollFirst());
            }
            return;
        }
        MemorySegment segment = buffer.segment();
        long allocation = ++allocations;
        if (!checkZero(segment, "HeapBuffer", allocation)) {
            buffer.close();
            return;
        }
        byte tag = (byte) (1 + allocation % 255);
        Patterns.write(segment, tag, config.fullCheckBytes());
        boolean injectTagFault = config.fault() == FaultInjection.TAG && index == 0 && allocation >= FAULTY_ALLOCATION
                && !tagFaultInjected;
        if (injectTagFault) {
            segment.set(ValueLayout.JAVA_BYTE, faultOffset(segment.byteSize()), (byte) (tag == 0x5a ? 0xa5 : 0x5a));
            tagFaultInjected = true;
        }
        Envelope envelope = new Envelope(buffer, tag, index, allocation, injectTagFault);
        int choice = random.nextInt(8);
        if (choice < 4 && inboxes.size() > 1) {
            if (!handOver(envelope)) {
                release(envelope);
            }
        } else if (choice == 4 && inboxes.size() > 1) {
            buffer.retain();                       // a second reference for the other thread
            if (!handOver(envelope)) {
                buffer.close();
            }
            release(envelope);                     // this thread's reference
        } else if (choice < 7) {
            held.addLast(envelope);
            if (held.size() > MAX_HELD) {
                release(held.pollFirst());
            }
        } else {
            release(envelope);
        }
    }

    private void arenaRound(long byteSize) {
        try (Arena arena = heap.newArena()) {
            MemorySegment segment;
            try {
                segment = arena.allocate(byteSize);
            } catch (HeapOutOfMemoryError e) {
                counters.refused.increment();
                return;
            }
            long allocation = ++allocations;
            if (checkZero(segment, "arena segment", allocation)) {
                byte tag = (byte) (1 + allocation % 255);
                Patterns.write(segment, tag, config.fullCheckBytes());
                long at = Patterns.firstMismatch(segment, tag, config.fullCheckBytes());
                if (at >= 0) {
                    violation.report(String.format("thread %d, allocation #%d (arena segment of %d bytes): byte at offset %d reads 0x%02x"
                            + " right after this thread wrote 0x%02x", index, allocation, byteSize, at, Patterns.byteAt(segment, at), tag));
                }
            }
        }
    }

    /** Offers the buffer to a random other thread; false if that inbox is full. */
    private boolean handOver(Envelope envelope) {
        int to = random.nextInt(inboxes.size() - 1);
        if (to >= index) {
            to++;
        }
        boolean offered = inboxes.get(to).offer(envelope);
        if (offered) {
            counters.handedOver.increment();
        }
        return offered;
    }

    /** Checks the tag is intact and drops this thread's reference. */
    private void release(Envelope envelope) {
        checkIntact(envelope, "closed by thread " + index);
        envelope.buffer().close();
    }

    /** Reports a violation if a fresh allocation does not read zero in its checked part. */
    private boolean checkZero(MemorySegment segment, String what, long allocation) {
        counters.allocations.increment();
        counters.allocatedBytes.add(segment.byteSize());
        String injected = "";
        if (config.fault() == FaultInjection.ZERO && index == 0 && allocation == FAULTY_ALLOCATION) {
            segment.set(ValueLayout.JAVA_BYTE, faultOffset(segment.byteSize()), (byte) 0x5a);
            injected = " [fault injected by --inject-fault=zero: the stress run wrote 0x5a there itself, after allocating]";
        }
        long at = Patterns.firstMismatch(segment, (byte) 0, config.fullCheckBytes());
        if (at >= 0) {
            violation.report(String.format("thread %d, allocation #%d (%s of %d bytes): byte at offset %d reads 0x%02x, expected 0x00%s",
                    index, allocation, what, segment.byteSize(), at, Patterns.byteAt(segment, at), injected));
            return false;
        }
        return true;
    }

    /** Where a test-only fault writes: a third into the buffer, at a page start if it spans pages (a checked byte either way). */
    private static long faultOffset(long byteSize) {
        return byteSize >= 3 * 4096 ? byteSize / 3 / 4096 * 4096 : byteSize / 3;
    }

    private void checkIntact(Envelope envelope, String where) {
        MemorySegment segment = envelope.buffer().segment();
        long at = Patterns.firstMismatch(segment, envelope.tag(), config.fullCheckBytes());
        if (at >= 0) {
            violation.report(String.format("thread %d's allocation #%d (HeapBuffer of %d bytes), %s: byte at offset %d reads 0x%02x,"
                    + " expected 0x%02x (what its owner wrote; someone else wrote into it)%s", envelope.fromThread(), envelope.allocation(),
                    segment.byteSize(), where, at, Patterns.byteAt(segment, at), envelope.tag(),
                    envelope.faultInjected() ? " [fault injected by --inject-fault=tag: the stress run overwrote that byte itself,"
                            + " after its owner wrote the tag]" : ""));
        }
    }
}
