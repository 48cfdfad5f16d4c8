package io.zeroheap.scope;

import io.zeroheap.pool.Chunk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One generation of buffers sharing a shared {@link Arena}: the arena is closed (and the
 * buffers' chunks recycled) only when the generation is sealed and its last buffer closed.
 * Buffers join it through the {@link Lease} of the CPU they are allocated on.
 *
 * <p>Concurrency: a lease is created once per CPU slot under this object's monitor, which also
 * guards {@code sealed}, so a lease is either created before the seal (and closed by it) or not
 * at all. {@code openLeases} counts the leases not yet done, plus one token the sealer holds
 * until it has closed every lease; the thread that brings it to zero, and only that thread,
 * retires the generation.
 */
public final class Generation {

    private final Arena arena = Arena.ofShared();
    private final AtomicReferenceArray<Lease> leases;
    private final AtomicInteger openLeases = new AtomicInteger(1);
    /** Guarded by this. */
    private boolean sealed;
    private volatile boolean sealedHint;
    /** When a retirement last found the scope held by a client; guarded by Generations. */
    long retryAfterNanos;
    /** When the generation was started (System.nanoTime()). */
    final long startNanos = System.nanoTime();

    Generation(int slots) {
        this.leases = new AtomicReferenceArray<>(slots);
    }

    /**
     * Returns the lease of CPU slot {@code slot}, creating it on first use.
     *
     * @return the lease, or null if the generation is sealed (the caller takes a newer one)
     */
    Lease lease(int slot) {
        Lease lease = leases.getPlain(slot);
        return lease != null ? lease : createLease(slot);
    }

    private synchronized Lease createLease(int slot) {
        if (sealed) {
            return null;
        }
        Lease lease = leases.get(slot);
        if (lease == null) {
            lease = new Lease(this);
            openLeases.incrementAndGet();
            leases.set(slot, lease);
        }
        return lease;
    }

    /**
     * Seals the generation: no more buffers join it.
     *
     * @return true if the caller must now retire it (no live buffer left); false if it was
     *         already sealed or buffers are still live (the last one's release retires it)
     */
    boolean seal() {
        synchronized (this) {
            if (sealed) {
                return false;
            }
            sealed = true;
            sealedHint = true;
        }
        boolean retire = false;
        for (int i = 0; i < leases.length(); i++) {
            Lease lease = leases.get(i);
            if (lease != null && lease.close()) {
                retire |= leaseDone();
            }
        }
        return leaseDone() | retire; // the sealer's token
    }

    /** A lease has no live buffer and is closed; true if that was the last one. */
    boolean leaseDone() {
        return openLeases.decrementAndGet() == 0;
    }

    /** Returns a segment of {@code byteSize} bytes at {@code address} in this generation's scope. */
    @SuppressWarnings("restricted") // the address and size are a chunk of this generation, which the arena scopes
    MemorySegment segment(long address, long byteSize) {
        return MemorySegment.ofAddress(address).reinterpret(byteSize, arena, null);
    }

    /** Returns whether the generation is sealed and has no live buffer: due to retire. */
    boolean isDueToRetire() {
        return sealedHint && openLeases.get() == 0;
    }

    /**
     * Returns about how many bytes of chunks joined this generation: the leases' racy counts,
     * read without walking the chunks (a generation can hold thousands); what a retirement's
     * deferred item is counted as.
     */
    public long joinedBytesEstimate() {
        long bytes = 0;
        for (int i = 0; i < leases.length(); i++) {
            Lease lease = leases.get(i);
            if (lease != null) {
                bytes += lease.joinedBytes();
            }
        }
        return bytes;
    }

    /** Returns whether freed chunks wait for this generation to retire. */
    boolean hasWaiting() {
        for (int i = 0; i < leases.length(); i++) {
            Lease lease = leases.get(i);
            if (lease != null && lease.firstWaiting() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the scope of every segment of this generation (a shared close: a handshake with
     * every thread). Call it after {@link Lease#release} or {@link #seal} said the generation
     * must retire, or when the heap closes; calling it again is harmless.
     *
     * @return true once the scope is closed (by this call or an earlier one); false if a client
     *         holds the scope (a downcall or I/O on a segment of it is in flight), in which
     *         case nothing changed and the caller tries again later
     */
    public synchronized boolean tryCloseScope() {
        if (!arena.scope().isAlive()) {
            return true;
        }
        try {
            arena.close();
            return true;
        } catch (IllegalStateException acquired) {
            return !arena.scope().isAlive();
        }
    }

    /**
     * Takes the chunks that waited for this generation, linked by {@link Chunk#nextWaiting};
     * call after {@link #tryCloseScope()} returned true.
     */
    public Chunk takeWaiting() {
        Chunk all = null;
        for (int i = 0; i < leases.length(); i++) {
            Lease lease = leases.get(i);
            if (lease == null) {
                continue;
            }
            Chunk chunk = lease.takeWaiting();
            while (chunk != null) {
                Chunk next = chunk.nextWaiting;
                chunk.nextWaiting = all;
                all = chunk;
                chunk = next;
            }
        }
        return all;
    }

    /**
     * Returns the newest chunk waiting now on each lease, for a racy walk along
     * {@link Chunk#nextWaiting} (a walk may end early if the generation retires meanwhile).
     */
    public List<Chunk> waitingHeads() {
        List<Chunk> heads = new ArrayList<>();
        for (int i = 0; i < leases.length(); i++) {
            Lease lease = leases.get(i);
            Chunk head = lease == null ? null : lease.firstWaiting();
            if (head != null) {
                heads.add(head);
            }
        }
        return heads;
    }

    /** Returns the pages of the chunks waiting now whose memory is still held (not purged). */
    public long waitingPages() {
        long pages = 0;
        for (Chunk head : waitingHeads()) {
            for (Chunk chunk = head; chunk != null; chunk = chunk.nextWaiting) {
                if (chunk.isWaiting()) {
                    pages += chunk.nrPages();
                }
            }
        }
        return pages;
    }
}
