package io.zeroheap;

/** Who asked for memory back: the sources a {@link Reclaimer} answers and records. */
public enum PressureSource {
    /** A Linux pressure-stall (PSI) trigger fired: tasks stalled on memory. */
    PSI,
    /** Available memory (cgroup limit or {@code MemAvailable}) fell under the low watermark. */
    WATERMARK,
    /**
     * An allocation about to map fresh memory found that it would leave available memory
     * under the low watermark (estimated since the last reading), and reclaimed first on its
     * own thread (the kernel's direct reclaim).
     */
    DIRECT_RECLAIM,
    /** The operating system refused memory to an allocation ({@code mmap} failed). */
    ALLOCATION_FAILURE,
    /** Pooled memory had not been used for a while (idle decay). */
    IDLE_DECAY,
    /** A user asked: {@link Reclaimer#shrinkAll()} or {@link Heaps#shrinkAll()}. */
    MANUAL
}
