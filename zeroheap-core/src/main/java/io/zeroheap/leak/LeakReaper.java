package io.zeroheap.leak;

import io.zeroheap.util.Loggers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide side of leak detection: the reference queue the GC puts dead trackers on,
 * the daemon thread ({@code zeroheap-leak-detector}) that reclaims and reports them, and the
 * blocks that keep live trackers reachable (a phantom reference that is itself unreachable is
 * never enqueued).
 *
 * <p><b>Blocks.</b> Each thread fills a block of {@value #BLOCK_SLOTS} slots of its own (no
 * lock, no atomic: a plain store and a release store of the fill count), and every block sits
 * in one concurrent set from its creation until the reaper drops it. A close empties its
 * tracker's slot with a plain store, from any thread. The thread finds its block through a
 * thread-local {@link Holder}; the block refers to that holder only weakly, through an
 * {@link OwnerRef} on the reaper's queue. So a block's owner is gone once its holder is
 * unreachable, whichever way that came about: the thread ended, or its thread-locals were
 * reset (JDK 25's common-pool workers reset theirs each time they go idle, and the thread
 * then starts a new block). No block keeps a {@link Thread} reachable. Every
 * {@value #SWEEP_MILLIS} ms the reaper drops the blocks that can take no more trackers (full,
 * or their owner is gone) and whose slots are all empty. A block thus lives until its last
 * tracked object is closed or found leaked; a long-lived object keeps its block's slot array
 * (about 300 bytes) alive, not the other trackers, whose slots are emptied.
 *
 * <p><b>Concurrency.</b> {@code used} is written only by the block's owner, with release
 * semantics after the slot it publishes; the sweep reads it with acquire semantics, so every
 * slot below it holds its tracker or null (emptied by a close or a reclaim, which happen after
 * the store). Emptying races only with the sweep's reads, and a stale non-null read merely
 * keeps a block one more sweep. {@code ownerGone} is set by the reaper when it dequeues the
 * block's {@link OwnerRef}. The owner ends every {@link #link} with
 * {@link Reference#reachabilityFence} on its holder, so its stores happen-before the GC
 * clears the holder's reference, which happens-before its enqueueing, its dequeueing by the
 * reaper and the reaper's volatile write of {@code ownerGone} (the {@code java.lang.ref}
 * memory consistency properties): a sweep that reads {@code ownerGone == true} <em>first</em>
 * and the fill count <em>after</em> sees every slot the owner ever filled. (Reading the count
 * first would let a last link slip in between the two reads and its live tracker's block be
 * dropped: a leak never found.) The queue has one consumer, the reaper; a reclaim, report or
 * sweep that throws, even with a {@link VirtualMachineError}, is logged and counted, and the
 * thread goes on.
 */
public final class LeakReaper {

    static final int BLOCK_SLOTS = 64;
    private static final long SWEEP_MILLIS = 1000;
    private static final System.Logger LOG = Loggers.lazy(LeakDetector.class.getName());
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    private static final Set<Block> BLOCKS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Holder> CURRENT = new ThreadLocal<>();
    private static final AtomicLong FAILURES = new AtomicLong();
    private static final VarHandle USED;

    static {
        try {
            USED = MethodHandles.lookup().findVarHandle(Block.class, "used", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Thread reaper = Thread.ofPlatform()
                .name("zeroheap-leak-detector")
                .daemon(true)
                .inheritInheritableThreadLocals(false)
                .unstarted(LeakReaper::run);
        reaper.setContextClassLoader(null); // pins no application class loader
        reaper.start();
    }

    private LeakReaper() {
    }

    /** What a thread's thread-local holds: its current block. Reachable strongly only from there. */
    static final class Holder {
        final Block block;

        Holder(Block block) {
            this.block = block;
        }
    }

    /** A block's weak reference to its holder; enqueued once the owner can no longer reach the block. */
    static final class OwnerRef extends WeakReference<Holder> {
        final Block block;

        OwnerRef(Holder holder, Block block) {
            super(holder, QUEUE);
            this.block = block;
        }
    }

    /** Slots for the trackers one thread creates. */
    static final class Block {
        final LeakTracker[] slots = new LeakTracker[BLOCK_SLOTS];
        /** Keeps the owner reference reachable, so that it is enqueued. */
        private OwnerRef owner;
        /** Set (volatile) by the reaper once {@link #owner} was dequeued: no link will follow. */
        private volatile boolean ownerGone;
        /** Slots filled; written by the owner only (release), read by the sweep (acquire). */
        @SuppressWarnings("unused") // accessed through USED
        private int used;

        /** Whether no tracker can be added any more and none is held: the reaper may drop it. */
        boolean isSpent() {
            boolean gone = ownerGone; // first: if true, every link is visible to the read below
            int filled = (int) USED.getAcquire(this);
            if (filled < BLOCK_SLOTS && !gone) {
                return false;
            }
            for (int i = 0; i < filled; i++) {
                if (slots[i] != null) {
                    return false;
                }
            }
            return true;
        }
    }

    static ReferenceQueue<Object> queue() {
        return QUEUE;
    }

    /** Keeps {@code tracker} reachable; on its creating thread. Returns its block. */
    static Block link(LeakTracker tracker) {
        Holder holder = CURRENT.get();
        Block block;
        int slot;
        if (holder == null || (slot = (int) USED.get(holder.block)) == BLOCK_SLOTS) {
            block = new Block();
            holder = new Holder(block);
            block.owner = new OwnerRef(holder, block);
            BLOCKS.add(block);
            CURRENT.set(holder);
            slot = 0;
        } else {
            block = holder.block;
        }
        block.slots[slot] = tracker;
        tracker.slot = slot;
        USED.setRelease(block, slot + 1); // publishes the slot to the sweep
        // The stores above happen-before the GC clears the owner reference (see the class comment).
        Reference.reachabilityFence(holder);
        return block;
    }

    /** Lets go of {@code tracker}; any thread, once per tracker. */
    static void unlink(LeakTracker tracker) {
        tracker.block.slots[tracker.slot] = null;
    }

    /** Returns how many trackers are held (tracked objects neither closed nor found leaked); for tests. */
    public static long liveTrackers() {
        long total = 0;
        for (Block block : BLOCKS) {
            int filled = (int) USED.getAcquire(block);
            for (int i = 0; i < filled; i++) {
                if (block.slots[i] != null) {
                    total++;
                }
            }
        }
        return total;
    }

    /** Returns how many reclaims, reports or sweeps threw on the reaper thread since start. */
    public static long failures() {
        return FAILURES.get();
    }

    /** Returns whether {@code block} is still held; for tests. */
    static boolean holds(Block block) {
        return BLOCKS.contains(block);
    }

    /** Returns whether the calling thread has a current block; for tests. */
    static boolean hasCurrentBlock() {
        return CURRENT.get() != null;
    }

    /** Forgets the calling thread's block, as a reset of its thread-locals does; for tests. */
    static void forgetCurrentBlock() {
        CURRENT.remove();
    }

    /** Drops the spent blocks; the reaper's periodic chore, callable by tests. */
    static void sweep() {
        BLOCKS.removeIf(Block::isSpent);
    }

    private static void run() {
        long nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        while (true) {
            try {
                Reference<?> ref = null;
                try {
                    ref = QUEUE.remove(SWEEP_MILLIS);
                } catch (InterruptedException e) {
                    // a daemon that lives as long as the process: go on
                }
                if (ref instanceof LeakTracker tracker) {
                    tracker.reclaimLeaked();
                } else if (ref instanceof OwnerRef owner) {
                    owner.block.ownerGone = true; // after the dequeue: see the class comment
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                    sweep();
                }
            } catch (Throwable e) {
                // Even a VirtualMachineError (an OutOfMemoryError in a report, a StackOverflowError
                // in a logger) must not end the only reaper: count it, try to log it, go on.
                FAILURES.incrementAndGet();
                try {
                    LOG.log(System.Logger.Level.ERROR, "reclaiming a leaked zeroheap object failed", e);
                } catch (Throwable ignored) {
                    // a logger that fails cannot report it; the reaper lives on
                }
            }
        }
    }
}
