package io.zeroheap.bench;

import java.util.OptionalInt;

/**
 * What {@link DeferBenchmark} needs of a deferred-free list: make an item, tell whether it is
 * still pending, defer it, and close. {@link #defer} and {@link #isPending} may be called from
 * any number of producer threads at once; an item is deferred again only once
 * {@link #isPending} has returned false for it.
 *
 * @param <I> the implementation's item type
 */
interface DeferTarget<I> extends AutoCloseable {

    /** Returns a new, idle item of {@code nrPages} pages whose free action does nothing. */
    I newItem(long nrPages);

    /** Returns whether {@code item} is deferred and its free action has not yet returned. */
    boolean isPending(I item);

    /** Hands {@code item}, which is not pending, to the consumer; never waits for it. */
    void defer(I item);

    /** Returns the Linux niceness of the consumer thread, or empty if it could not be set. */
    OptionalInt consumerNice();

    /** Frees everything still pending, then stops the consumer thread and waits for it to end. */
    @Override
    void close();
}
