package io.zeroheap;

/**
 * The JMX view of one heap, registered on the platform MBean server as
 * {@code io.zeroheap:type=Heap,name=<heap name>} (the name quoted with
 * {@link javax.management.ObjectName#quote} when it holds a character that needs it) from
 * {@link SystemHeap.Builder#build()} until {@link Heap#close()}; see
 * {@link SystemHeap.Builder#jmx(boolean)}. Each attribute is the {@link HeapStats} component
 * of the same name; sizes are in bytes, counts are totals since the heap was built. The
 * {@link #getStats() Stats} attribute holds the main figures of one fresh snapshot together, so
 * they add up (allocated + pooled + pending = reserved); a client's one read of several
 * attributes ({@code MBeanServer.getAttributes}, what a scrape does) reads one snapshot, so its
 * figures add up too, and each single attribute read takes a fresh one.
 *
 * <p>Thread-safe: every method may be called from any thread, as the heap's are.
 */
public interface HeapMXBean {

    /** Returns the JMX domain of zeroheap's beans. */
    String DOMAIN = "io.zeroheap";

    /** The heap's name. */
    String getHeapName();

    /** Where the heap's memory comes from ({@code mmap} or {@code arena}). */
    String getMemorySource();

    /** Whether frees are deferred to a worker. */
    boolean isDeferredFree();

    /** The leak detection level ({@code OFF}, {@code SAMPLED} or {@code ALL}). */
    String getLeakDetection();

    /** The page size in bytes. */
    long getPageSize();

    /** The budget in bytes ({@link Long#MAX_VALUE}: none). */
    long getMaxBytes();

    /** Bytes in use by buffers and arenas. */
    long getAllocatedBytes();

    /** Bytes of zeroed chunks ready to hand out. */
    long getPooledBytes();

    /** Bytes freed, not yet zeroed or given back. */
    long getPendingBytes();

    /** Bytes held from the OS: allocated + pooled + pending. */
    long getReservedBytes();

    /** Address space of purged pinned chunks, in bytes (not memory). */
    long getPurgedBytes();

    /** Allocations served from a pool. */
    long getPoolHits();

    /** Allocations that found their pool empty. */
    long getPoolMisses();

    /** Chunks zeroed and pooled. */
    long getZeroedFrees();

    /** Chunks given back to the OS in normal frees (pool full or huge). */
    long getReleasedFrees();

    /** Chunks given back to the OS unzeroed under pressure. */
    long getPressureFrees();

    /** Frees whose action threw. */
    long getFailedFrees();

    /** Allocations that zeroed a pending chunk themselves. */
    long getSelfZeroedAllocations();

    /** Calls to shrink and allocation-time reclaims. */
    long getShrinkCalls();

    /** Pages those calls gave back. */
    long getShrunkPages();

    /** Allocations that failed with {@link HeapOutOfMemoryError}. */
    long getAllocationFailures();

    /** Buffers found leaked. */
    long getLeakedBuffers();

    /** Heap arenas found leaked. */
    long getLeakedArenas();

    /** Bytes the leaks held, given back. */
    long getLeakedBytes();

    /** The one-line summary, {@link HeapStats#toString()}. */
    String getSummary();

    /** The per-size-class table, {@link HeapStats#sizeClassTable()}. */
    String getSizeClassTable();

    /**
     * The main figures of one fresh {@link HeapStats} snapshot, together (a JMX
     * {@code CompositeData} to a client); they add up as the snapshot's do.
     */
    Stats getStats();

    /**
     * The main figures of one snapshot, as {@link HeapStats} names them; sizes in bytes.
     *
     * @param allocatedBytes     bytes in use
     * @param pooledBytes        zeroed bytes ready to hand out
     * @param pendingBytes       freed bytes waiting to be zeroed
     * @param reservedBytes      bytes held from the OS: the sum of the three above
     * @param maxBytes           the budget ({@link Long#MAX_VALUE}: none)
     * @param poolHits           allocations served from a pool
     * @param poolMisses         allocations that found their pool empty
     * @param failedFrees        free actions that threw (survived and counted)
     * @param allocationFailures allocations that failed with {@link HeapOutOfMemoryError}
     * @param leakedBuffers      buffers found unreachable without a close
     * @param leakedArenas       arenas found unreachable without a close
     * @param summary            the snapshot's one-line summary
     */
    record Stats(long allocatedBytes, long pooledBytes, long pendingBytes, long reservedBytes, long maxBytes,
                 long poolHits, long poolMisses, long failedFrees, long allocationFailures, long leakedBuffers,
                 long leakedArenas, String summary) {
    }

    /**
     * Reclaims up to about {@code nrPages} pages now; {@link Heap#shrink(long)}.
     *
     * @return pages given back
     * @throws IllegalArgumentException if {@code nrPages < 0}
     * @throws IllegalStateException    if the heap is closed
     */
    long shrink(long nrPages);
}
