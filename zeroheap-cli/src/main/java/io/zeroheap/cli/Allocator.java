package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * One way to get a buffer and give it back: the thing {@code zeroheap bench} measures.
 *
 * <p><b>Threads.</b> One instance is shared by every benchmark thread of a cell (one heap, one
 * Netty allocator for all of them), so {@link #cycle}, {@link #use} and {@link #afterBurst} may
 * be called from several threads at once and must be thread-safe; per-thread state (the
 * floors' stacks) lives in a {@link ThreadLocal}. {@link #trim}, {@link #heldBytes} and
 * {@link #close} are called by the thread that runs the benchmark, {@code trim} and
 * {@code close} only while no benchmark thread is running.
 */
public interface Allocator extends AutoCloseable {

    /**
     * Allocates a buffer of {@code byteSize} bytes, does {@code use}'s work on it and frees it,
     * all on the calling thread: one measured operation.
     *
     * @param byteSize the buffer's size in bytes, at least 1
     * @param use      what to write and read
     * @return a value that depends on the buffer, for the caller to sink (so nothing is
     *         optimised away)
     */
    long cycle(int byteSize, BufferUse use);

    /**
     * Untimed, for tests: allocates a buffer of {@code byteSize} bytes with the same calls as
     * {@link #cycle} (zeroing included, where the allocator zeroes), hands its memory to
     * {@code action} to read and write, and frees it (for a floor that zeroes between bursts,
     * zeroing it as after a burst).
     *
     * @param byteSize the buffer's size in bytes, at least 1
     * @param action   what to do with the buffer's memory while it is allocated
     */
    void use(int byteSize, Consumer<MemorySegment> action);

    /**
     * Untimed, on each benchmark thread before its warm-up in {@code cell}: per-thread state the
     * cell needs before its first operation (the {@code floor-elsewhere} floor maps this
     * thread's burst of segments). Allocators without such state return at once.
     */
    default void prepare(Cell cell) {
    }

    /**
     * Untimed, on each benchmark thread after each of its bursts, before its idle gap: work that
     * belongs between bursts (the {@code floor-elsewhere} floor has this thread's segments
     * zeroed by another thread). Allocators without such work return at once.
     */
    default void afterBurst() {
    }

    /** Untimed, before each cell: gives back what earlier cells left pooled, if it can. */
    default void trim() {
    }

    /**
     * Bytes the allocator holds now, or -1 where it cannot tell: for zeroheap the heap's
     * reserved bytes, for Netty its arenas' direct memory, for {@code allocateDirect} the
     * JVM's direct buffer pool (buffers awaiting the GC included), for the floors their
     * segments. Thread-safe.
     */
    default long heldBytes() {
        return -1;
    }

    /** Releases what the allocator holds. */
    @Override
    void close();
}
