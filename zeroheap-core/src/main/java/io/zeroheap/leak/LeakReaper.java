package io.zeroheap.leak;

import java.lang.ref.ReferenceQueue;

/**
 * The process-wide side of leak detection: the reference queue the GC puts dead trackers on,
 * the daemon thread ({@code zeroheap-leak-detector}, started on first use) that reclaims and
 * reports them, and the striped lists that keep live trackers reachable.
 *
 * <p>Concurrency: each stripe's list is guarded by the stripe's monitor; a tracker links
 * into the stripe of the thread that creates it ({@code threadId & (STRIPES - 1)}), so
 * allocating threads rarely contend. The reaper thread is the only consumer of the queue; a
 * reclaim or report that throws is logged and the thread goes on.
 */
public final class LeakReaper {

    private static final int STRIPES = 16;
    private static final System.Logger LOG = System.getLogger(LeakDetector.class.getName());
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    private static final Stripe[] STRIPE = new Stripe[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            STRIPE[i] = new Stripe();
        }
        Thread.ofPlatform().name("zeroheap-leak-detector").daemon(true).start(LeakReaper::run);
    }

    private LeakReaper() {
    }

    /** A list of live trackers; its monitor guards the links. */
    static final class Stripe {
        private LeakTracker head;
        private long size;
    }

    static ReferenceQueue<Object> queue() {
        return QUEUE;
    }

    static Stripe link(LeakTracker tracker) {
        Stripe stripe = STRIPE[(int) Thread.currentThread().threadId() & (STRIPES - 1)];
        synchronized (stripe) {
            tracker.next = stripe.head;
            if (stripe.head != null) {
                stripe.head.prev = tracker;
            }
            stripe.head = tracker;
            stripe.size++;
        }
        return stripe;
    }

    static void unlink(LeakTracker tracker) {
        Stripe stripe = tracker.stripe;
        synchronized (stripe) {
            if (tracker.prev != null) {
                tracker.prev.next = tracker.next;
            } else {
                stripe.head = tracker.next;
            }
            if (tracker.next != null) {
                tracker.next.prev = tracker.prev;
            }
            tracker.prev = null;
            tracker.next = null;
            stripe.size--;
        }
    }

    /** Returns how many trackers are live (tracked objects neither closed nor found leaked); for tests. */
    public static long liveTrackers() {
        long total = 0;
        for (Stripe stripe : STRIPE) {
            synchronized (stripe) {
                total += stripe.size;
            }
        }
        return total;
    }

    private static void run() {
        while (true) {
            LeakTracker tracker;
            try {
                tracker = (LeakTracker) QUEUE.remove();
            } catch (InterruptedException e) {
                continue; // a daemon that lives as long as the process
            }
            try {
                tracker.reclaimLeaked();
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
