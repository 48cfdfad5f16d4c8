package io.zeroheap;

import java.util.List;
import java.util.OptionalInt;

/**
 * A snapshot of one heap. The memory figures were read under every pool lock at once, so
 * {@code allocatedBytes + pooledBytes + pendingBytes == reservedBytes} holds in every snapshot
 * (DESIGN rule 3); event counters are exact totals.
 *
 * @param heapName           the heap's name
 * @param memorySource       where its memory comes from ({@code mmap} or {@code arena})
 * @param deferredFree       whether frees are deferred to a worker (false: done on the caller)
 * @param pageSize           the page size in bytes
 * @param maxBytes           the budget: the most the heap may hold from the OS
 * @param allocatedBytes     bytes of chunks in use by buffers and arenas
 * @param pooledBytes        bytes of zeroed chunks ready to hand out
 * @param pendingBytes       bytes freed by their users, not yet zeroed or given back
 * @param reservedBytes      bytes held from the OS
 * @param purgedBytes        address space of freed buffers whose pages went back to the OS
 *                           under pressure while a live buffer of their generation keeps the
 *                           addresses reachable (not memory; not in {@code reservedBytes})
 * @param poolHits           allocations served from a pool
 * @param poolMisses         allocations that found their pool empty (huge ones always miss)
 * @param zeroedFrees        chunks zeroed and pooled ({@link FreeReason#NORMAL})
 * @param releasedFrees      chunks given back to the OS because their pool was full or huge
 *                           ({@link FreeReason#NORMAL})
 * @param pressureFrees      chunks given back to the OS unzeroed ({@link FreeReason#UNDER_PRESSURE})
 * @param failedFrees        frees whose action threw: deferred items (one per chunk, or per
 *                           generation for buffers) with deferred frees, chunks without
 * @param selfZeroedAllocations allocations that found their pool empty while chunks of their
 *                           class were pending, and zeroed one themselves rather than map
 *                           fresh memory (the worker was behind)
 * @param scopeCloseRetries  retirements of a buffer generation put off because a client held
 *                           its scope (a downcall or I/O on a stale segment)
 * @param shrinkCalls        calls to {@link Heap#shrink} and allocation-time reclaims
 * @param shrunkPages        pages those calls gave back
 * @param allocationFailures allocations that failed with {@link HeapOutOfMemoryError}
 * @param workerNice         the free worker's Linux niceness; empty without a worker or niceness
 * @param sizeClasses        per-size-class detail, smallest first, then huge chunks (size 0)
 */
public record HeapStats(
        String heapName,
        String memorySource,
        boolean deferredFree,
        long pageSize,
        long maxBytes,
        long allocatedBytes,
        long pooledBytes,
        long pendingBytes,
        long reservedBytes,
        long purgedBytes,
        long poolHits,
        long poolMisses,
        long zeroedFrees,
        long releasedFrees,
        long pressureFrees,
        long failedFrees,
        long selfZeroedAllocations,
        long scopeCloseRetries,
        long shrinkCalls,
        long shrunkPages,
        long allocationFailures,
        OptionalInt workerNice,
        List<SizeClassStats> sizeClasses) {

    /** Copies {@code sizeClasses} so the snapshot is immutable. */
    public HeapStats {
        sizeClasses = List.copyOf(sizeClasses);
    }

    /** Chunks freed with {@code reason}. */
    public long frees(FreeReason reason) {
        return switch (reason) {
            case NORMAL -> zeroedFrees + releasedFrees;
            case UNDER_PRESSURE -> pressureFrees;
        };
    }

    /**
     * One size class at the snapshot's instant.
     *
     * @param chunkByteSize   the class size in bytes; 0 for huge chunks
     * @param pooledChunks    zeroed chunks ready
     * @param allocatedChunks chunks in use
     * @param hits            allocations served from this pool
     * @param misses          allocations that found it empty
     */
    public record SizeClassStats(long chunkByteSize, long pooledChunks, long allocatedChunks, long hits, long misses) {
    }
}
