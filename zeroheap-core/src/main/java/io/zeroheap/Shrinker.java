package io.zeroheap;

/**
 * Something that can give memory back on request (the kernel's {@code struct shrinker}),
 * counted in pages.
 *
 * <p><b>The page unit.</b> A shrinker registered with {@link Shrinkers#system()} counts in the
 * OS page size (4 KiB on most Linux machines), the unit {@link Reclaimer} asks in; a heap built
 * with a larger {@code pageSize} registers its shrinkers there through an adapter that converts.
 * A registry of one's own ({@code new Shrinkers()}) may use any unit, as long as every shrinker
 * in it and every caller agree ({@link SystemHeap#shrink(long)} asks in the heap's own pages).
 *
 * <p>Implementations are thread-safe: {@link #count()} and {@link #scan(long)} may be called
 * from any thread, concurrently with each other and with the shrinker's own work.
 */
public interface Shrinker {

    /** The {@link #seeks()} of a shrinker that does not say otherwise (as in the kernel). */
    int DEFAULT_SEEKS = 2;

    /**
     * Returns how many pages {@link #scan(long)} could free now. An estimate under
     * concurrency, exact when the shrinker is quiescent.
     *
     * @return pages that could be freed, {@code >= 0}
     */
    long count();

    /**
     * Frees up to about {@code nrToScan} pages on the calling thread and returns how many it
     * freed. It may free more than asked where its unit of freeing is larger than a page (as
     * the seed's list does), and less where it has no more.
     *
     * @param nrToScan pages wanted, {@code >= 0}; 0 frees nothing and returns 0
     * @return pages freed, {@code >= 0}
     * @throws IllegalArgumentException if {@code nrToScan < 0}
     */
    long scan(long nrToScan);

    /**
     * How costly the pages this shrinker frees are to rebuild (the kernel's {@code seeks}):
     * {@link Shrinkers} asks cheaper shrinkers first. Pending frees, which nobody will use
     * again, are cheapest (0); pooled, already-zeroed pages cost more.
     *
     * @return the relative rebuild cost, {@code >= 0}
     */
    default int seeks() {
        return DEFAULT_SEEKS;
    }
}
