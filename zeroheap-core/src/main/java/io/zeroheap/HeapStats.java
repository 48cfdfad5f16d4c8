package io.zeroheap;

import io.zeroheap.util.ByteSizes;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A snapshot of one heap. The memory figures were read under every pool lock at once, so
 * {@code allocatedBytes + pooledBytes + pendingBytes == reservedBytes} holds in every snapshot
 * (DESIGN rule 3); event counters are exact totals.
 *
 * <p>Until zeroheap 1.0 this record may gain components (as the leak counts were added): code
 * that calls its canonical constructor or deconstructs it with a record pattern may need a
 * change, and a binary compiled against one version may not link against the next. Read it
 * through its accessors.
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
 * @param poolHits           allocations served from a pool, the per-CPU pools included
 * @param poolMisses         allocations that found their pool empty (huge ones always miss)
 * @param zeroedFrees        chunks zeroed and pooled in the shared pools ({@link FreeReason#NORMAL}):
 *                           freed there, or handed over from a per-CPU pool by idle decay
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
 * @param leakDetection      the heap's leak detection level
 * @param leakedBuffers      {@link HeapBuffer}s found unreachable without their last close;
 *                           their memory went back through the deferred free path
 * @param leakedArenas       heap arenas found unreachable (with all their segments) unclosed
 * @param leakedBytes        bytes of chunks those leaks held, now given back
 * @param cpuPoolCleanTakes  allocations served by a per-CPU pool with a chunk its CPU's idle
 *                           zeroer had zeroed (see {@link SystemHeap.Builder#cpuPools})
 * @param cpuPoolDirtyTakes  allocations served by a per-CPU pool with a freed chunk, zeroed on
 *                           the allocating thread while still in its CPU's cache
 * @param cpuPoolFrees       freed chunks the per-CPU pools took ({@link FreeReason#NORMAL}), to be
 *                           zeroed there
 * @param zeroedIdle         chunks the idle zeroers zeroed for this heap
 * @param cpuPoolBytes       bytes the per-CPU pools hold now (part of {@code pooledBytes} and
 *                           {@code pendingBytes})
 * @param leakReaperFailures failures the process-wide leak reaper thread survived (reclaiming
 *                           or reporting a leak threw; logged at {@code ERROR}): one count for
 *                           every heap in the process, as the reaper serves them all
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
        List<SizeClassStats> sizeClasses,
        LeakDetection leakDetection,
        long leakedBuffers,
        long leakedArenas,
        long leakedBytes,
        long cpuPoolCleanTakes,
        long cpuPoolDirtyTakes,
        long cpuPoolFrees,
        long zeroedIdle,
        long cpuPoolBytes,
        long leakReaperFailures) {

    /**
     * Copies {@code sizeClasses} so the snapshot is immutable.
     *
     * @throws NullPointerException if a reference component is null
     */
    public HeapStats {
        sizeClasses = List.copyOf(sizeClasses);
        Objects.requireNonNull(leakDetection, "leakDetection");
    }

    /**
     * Returns a one-line summary for logs and consoles, e.g. {@code HeapStats[system mmap
     * deferred: allocated 12.0 MiB, pooled 4.0 MiB, pending 0 B, reserved 16.0 MiB / max
     * 1.0 GiB; hits 1234, misses 5; frees normal 1200 (zeroed 1190), pressure 3, failed 0;
     * leaks 0]}. Every figure is a component of this record; see {@link #sizeClassTable()}
     * for the per-class detail.
     */
    @Override
    public String toString() {
        return "HeapStats[" + heapName + " " + memorySource + (deferredFree ? " deferred" : " synchronous")
                + ": allocated " + ByteSizes.format(allocatedBytes)
                + ", pooled " + ByteSizes.format(pooledBytes)
                + ", pending " + ByteSizes.format(pendingBytes)
                + ", reserved " + ByteSizes.format(reservedBytes)
                + " / max " + (maxBytes == Long.MAX_VALUE ? "unlimited" : ByteSizes.format(maxBytes))
                + (purgedBytes != 0 ? ", purged " + ByteSizes.format(purgedBytes) : "")
                + "; hits " + poolHits + ", misses " + poolMisses
                + (cpuPoolCleanTakes + cpuPoolDirtyTakes != 0 ? " (per-CPU " + (cpuPoolCleanTakes + cpuPoolDirtyTakes)
                        + ", pre-zeroed " + cpuPoolCleanTakes + ")" : "")
                + (selfZeroedAllocations != 0 ? " (self-zeroed " + selfZeroedAllocations + ")" : "")
                + (allocationFailures != 0 ? ", failed " + allocationFailures : "")
                + "; frees normal " + (zeroedFrees + releasedFrees + cpuPoolFrees) + " (zeroed " + zeroedFrees
                + (cpuPoolFrees != 0 ? ", per-CPU " + cpuPoolFrees : "")
                + ")"
                + ", pressure " + pressureFrees + ", failed " + failedFrees
                + (shrinkCalls != 0 ? "; shrinks " + shrinkCalls + " (" + shrunkPages + " pages)" : "")
                + "; leaks " + (leakedBuffers + leakedArenas)
                + (leakedBuffers + leakedArenas != 0 ? " (" + ByteSizes.format(leakedBytes) + ")" : "")
                + (leakReaperFailures != 0 ? ", leak reaper failures " + leakReaperFailures : "")
                + "]";
    }

    /**
     * Returns the per-size-class detail as a table, one line per class that holds or served
     * anything (smallest first, then huge chunks) after a header line, columns separated by
     * spaces and right-aligned: chunk size, pooled and allocated chunks and their bytes, hits,
     * misses and the hit rate; then, if any class was left out, a line saying how many were
     * idle. Lines end with {@code \n}. {@link #sizeClasses()} has every class.
     */
    public String sizeClassTable() {
        StringBuilder table = new StringBuilder(64 * (sizeClasses.size() + 1));
        String format = "%10s %8s %10s %8s %10s %12s %10s %6s\n";
        table.append(String.format(Locale.ROOT, format,
                "class", "pooled", "pooled B", "in use", "in use B", "hits", "misses", "hit %"));
        int idle = 0;
        for (SizeClassStats c : sizeClasses) {
            if (c.pooledChunks() == 0 && c.allocatedChunks() == 0 && c.hits() == 0 && c.misses() == 0) {
                idle++;
                continue;
            }
            boolean huge = c.chunkByteSize() == 0;
            long lookups = c.hits() + c.misses();
            table.append(String.format(Locale.ROOT, format,
                    huge ? "huge" : ByteSizes.format(c.chunkByteSize()),
                    c.pooledChunks(),
                    huge ? "-" : ByteSizes.format(c.pooledChunks() * c.chunkByteSize()),
                    c.allocatedChunks(),
                    huge ? "-" : ByteSizes.format(c.allocatedChunks() * c.chunkByteSize()),
                    c.hits(), c.misses(),
                    lookups == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * c.hits() / lookups)));
        }
        if (idle > 0) {
            table.append("(").append(idle).append(idle == 1 ? " idle class" : " idle classes").append(" not shown)\n");
        }
        return table.toString();
    }

    /** Chunks freed with {@code reason}. */
    public long frees(FreeReason reason) {
        return switch (reason) {
            case NORMAL -> zeroedFrees + releasedFrees + cpuPoolFrees;
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
