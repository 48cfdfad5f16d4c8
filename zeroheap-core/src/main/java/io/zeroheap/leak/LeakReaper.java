package io.zeroheap.leak;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The process-wide side of leak detection: the reference queue the GC puts dead trackers on,
 * the daemon thread ({@code zeroheap-leak-detector}) that reclaims and reports them, and the
 * blocks that keep live trackers reachable (a phantom reference that is itself unreachable is
 * never enqueued).
 *
 * <p><b>Blocks.</b> Each thread fills a block of {@value #BLOCK_SLOTS} slots of its own (a
 * thread-local; no lock, no atomic: a plain store and a release store of the fill count), and
 * every block sits in one concurrent set from its creation until the reaper drops it. A close
 * empties its tracker's slot with a plain store, from any thread. Every
 * {@value #SWEEP_MILLIS} ms the reaper drops the blocks that can take no more trackers (full,
 * or their thread has ended) and whose slots are all empty. A block thus lives until its last
 * tracked object is closed or found leaked; a long-lived object keeps its block's slot array
 * (about 300 bytes) alive, not the other trackers, whose slots are emptied. A virtual thread
 * that allocates gets a block of its own too, dropped once the thread has ended and its
 * objects are closed.
 *
 * <p><b>Concurrency.</b> {@code used} is written only by the block's thread, with release
 * semantics after the slot it publishes; the reaper reads it with acquire semantics, so every
 * slot below it holds its tracker or null (emptied by a close or a reclaim, which happen after
 * the store). Emptying races only with the reaper's reads, and a stale non-null read merely
 * keeps a block one more sweep. The queue has one consumer, the reaper; a reclaim or report
 * that throws is logged and the thread goes on.
 */
public final class LeakReaper {

    static final int BLOCK_SLOTS = 64;
    private static final long SWEEP_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(LeakDetector.class.getName());
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    private static final Set<Block> BLOCKS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Block> CURRENT = new ThreadLocal<>();
    private static final VarHandle USED;

    static {
        try {
            USED = MethodHandles.lookup().findVarHandle(Block.class, "used", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Thread.ofPlatform().name("zeroheap-leak-detector").daemon(true).start(LeakReaper::run);
    }

    private LeakReaper() {
    }

    /** Slots for the trackers one thread creates. */
    static final class Block {
        final LeakTracker[] slots = new LeakTracker[BLOCK_SLOTS];
        final Thread owner;
        /** Slots filled; written by the owner only (release), read by the reaper (acquire). */
        @SuppressWarnings("unused") // accessed through USED
        private int used;

        Block(Thread owner) {
            this.owner = owner;
        }

        /** Whether no tracker can be added any more and none is held: the reaper may drop it. */
        boolean isSpent() {
            int filled = (int) USED.getAcquire(this);
            if (filled < BLOCK_SLOTS && owner.isAlive()) {
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

    /** Keeps {@code tracker} reachable; on its creating thread. Returns its slot's index. */
    static Block link(LeakTracker tracker) {
        Block block = CURRENT.get();
        int slot;
        if (block == null || (slot = (int) USED.get(block)) == BLOCK_SLOTS) {
            block = new Block(Thread.currentThread());
            BLOCKS.add(block);
            CURRENT.set(block);
            slot = 0;
        }
        block.slots[slot] = tracker;
        tracker.slot = slot;
        USED.setRelease(block, slot + 1); // publishes the slot to the reaper's sweep
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

    /** Returns whether {@code block} is still held; for tests. */
    static boolean holds(Block block) {
        return BLOCKS.contains(block);
    }

    /** Drops the spent blocks; the reaper's periodic chore, callable by tests. */
    static void sweep() {
        BLOCKS.removeIf(Block::isSpent);
    }

    private static void run() {
        long nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        while (true) {
            LeakTracker tracker = null;
            try {
                tracker = (LeakTracker) QUEUE.remove(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                // a daemon that lives as long as the process: go on
            }
            try {
                if (tracker != null) {
                    tracker.reclaimLeaked();
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweep();
                    nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                }
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
                try {
                    LOG.log(System.Logger.Level.ERROR, "reclaiming a leaked zeroheap object failed", e);
                } catch (RuntimeException ignored) {
                    // a logger that fails cannot report it; the reaper lives on
                }
            }
        }
    }
}
