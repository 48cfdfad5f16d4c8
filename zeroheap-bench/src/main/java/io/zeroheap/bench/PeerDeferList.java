package io.zeroheap.bench;

import java.util.OptionalInt;

/**
 * What the three peer lists of {@link DeferBenchmark} share, so that only their list and
 * wake-up protocol differ: the item they free (with a no-op action), the niceness their
 * consumer thread got, and joining that thread on close.
 */
abstract class PeerDeferList implements DeferTarget<PeerItem> {

    private static final PeerItem.FreeAction NO_OP = item -> { };

    private volatile int consumerNice = -1;

    @Override
    public final PeerItem newItem(long nrPages) {
        return new PeerItem(nrPages, NO_OP);
    }

    @Override
    public final boolean isPending(PeerItem item) {
        return item.isPending();
    }

    @Override
    public final OptionalInt consumerNice() {
        int nice = consumerNice;
        return nice < 0 ? OptionalInt.empty() : OptionalInt.of(nice);
    }

    /** Called first on the consumer thread: lowers it to nice 19, as zeroheap's worker, and records what it got. */
    final void lowerConsumerPriority() {
        consumerNice = ConsumerThreads.lowerCurrentThreadPriority().orElse(-1);
    }

    /** Waits for {@code thread} to end, keeping the caller's interrupt status. */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
