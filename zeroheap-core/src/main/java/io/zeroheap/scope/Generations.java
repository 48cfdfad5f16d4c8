package io.zeroheap.scope;

import io.zeroheap.os.Cpus;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The generations of one heap: the current one, which new buffers join, and the sealed ones
 * that still have live buffers. Decides when to seal (see the package note for the cost
 * model) and hands every generation that must retire to the heap's retire action exactly
 * once.
 *
 * <p>Thread-safety: the current generation is swapped under this object's monitor (rare: once
 * per generation); joining it is a CAS on the lease of the caller's CPU.
 */
public final class Generations {

    private final long maxBuffers;
    private final long maxBytes;
    private final Consumer<Generation> retire;
    /** How long a retirement that found the scope in use waits before it is tried again. */
    private static final long RETRY_NANOS = 10_000_000;
    /** The youngest a generation is sealed by choice (idle, or its soft limits reached). */
    private static final long MIN_AGE_NANOS = 10_000_000;
    /** A generation lives at least this many times as long as a scope close takes. */
    private static final int CLOSE_COST_FACTOR = 20;
    /** Past this many times its byte limit a lease seals its generation whatever its age. */
    private static final int HARD_LIMIT_FACTOR = 2;
    /** Recent shared-scope close durations, smoothed; updated by retirements, racy by design. */
    private volatile long closeNanosEstimate = 50_000;

    private final int slots = Cpus.configured();
    private final Set<Generation> unretired = ConcurrentHashMap.newKeySet();
    private final Queue<Generation> retries = new ConcurrentLinkedQueue<>();
    private volatile Generation current;

    /**
     * @param maxBuffers buffers allocated on one CPU after which a generation is sealed
     * @param maxBytes   bytes allocated on one CPU after which a generation is sealed
     * @param retire     called once per generation that is sealed and has no live buffer
     */
    public Generations(long maxBuffers, long maxBytes, Consumer<Generation> retire) {
        this.maxBuffers = maxBuffers;
        this.maxBytes = maxBytes;
        this.retire = retire;
    }

    /**
     * Joins the current generation with one buffer of {@code byteSize} bytes, through the lease
     * of the calling thread's CPU, starting a new generation when the current one is sealed or
     * that lease is full.
     */
    public Lease join(long byteSize) {
        int cpu = Cpus.current();
        int slot = cpu >= 0 && cpu < slots ? cpu : Math.floorMod(Thread.currentThread().threadId(), slots);
        while (true) {
            Generation generation = current;
            if (generation == null) {
                generation = startGeneration();
            }
            Lease lease = generation.lease(slot);
            if (lease != null && lease.tryAcquire(byteSize)) {
                if (lease.joinedBuffers() >= maxBuffers || lease.joinedBytes() >= maxBytes) {
                    sealFullLease(generation, lease, byteSize);
                }
                return lease;
            }
            detach(generation);
        }
    }

    /**
     * A lease passed its soft limits: seal if the generation has lived long enough for its
     * scope close to be cheap beside it ({@link #minAgeNanos()}), or at once past the hard
     * limit. The clock is read on every 64th buffer, or every buffer of at least 1/64 of the
     * byte limit, so that small buffers do not pay for it each time.
     */
    private void sealFullLease(Generation generation, Lease lease, long byteSize) {
        if (lease.joinedBytes() >= HARD_LIMIT_FACTOR * maxBytes) {
            seal(generation);
        } else if (((lease.joinedBuffers() & 63) == 0 || byteSize >= maxBytes / 64) && isOldEnough(generation)) {
            seal(generation);
        }
    }

    /**
     * Returns the youngest a generation is sealed by choice: 10 ms, or twenty times what a scope
     * close has recently taken, whichever is longer. A close is a handshake with every thread
     * of the JVM (tens of microseconds with one thread running, milliseconds with more
     * runnable threads than cores), so this keeps closes below about 5% of the time.
     */
    public long minAgeNanos() {
        return Math.max(MIN_AGE_NANOS, CLOSE_COST_FACTOR * closeNanosEstimate);
    }

    /** Records how long one scope close took, for {@link #minAgeNanos()}. Any thread. */
    public void recordClose(long nanos) {
        long estimate = closeNanosEstimate;
        closeNanosEstimate = estimate + (nanos - estimate) / 4;
    }

    private boolean isOldEnough(Generation generation) {
        return System.nanoTime() - generation.startNanos >= minAgeNanos();
    }

    /**
     * Called when a buffer's chunk was released into {@code generation} and the release said
     * the generation must retire.
     */
    public void retired(Generation generation) {
        retire.accept(generation); // it stays among the unretired until finished()
    }

    /**
     * Called once a generation's scope is closed and its chunks are handed on: it leaves the
     * unretired (until then its waiting chunks count as pending, and may be purged).
     */
    public void finished(Generation generation) {
        unretired.remove(generation);
    }

    /**
     * Returns whether a generation is sealed with no live buffer but not finished retiring
     * (handed over, about to be, or running), not counting those waiting to retry.
     */
    public boolean retirementPending() {
        for (Generation generation : unretired) {
            if (generation.isDueToRetire() && !retries.contains(generation)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Seals the current generation if freed buffers wait in it, so their memory can be
     * recycled, however young it is: for drains, reclaims and allocations that found freed
     * chunks piling up.
     */
    public void sealIfWaiting() {
        Generation generation = current;
        if (generation != null && generation.hasWaiting()) {
            seal(generation);
        }
        retryDue();
    }

    /**
     * Seals the current generation if freed buffers wait in it and it has lived
     * {@link #minAgeNanos()}; the idle worker and the idle-decay tick call this.
     */
    public void sealIfWaitingAndOld() {
        Generation generation = current;
        if (generation != null && generation.hasWaiting() && isOldEnough(generation)) {
            seal(generation);
        }
        retryDue();
    }

    /**
     * Returns whether closed buffers wait in the current generation and it is old enough to be
     * sealed by choice ({@link #sealIfWaitingAndOld()} would seal it). Lock-free; any thread.
     */
    public boolean hasOldWaiting() {
        Generation generation = current;
        return generation != null && generation.hasWaiting() && isOldEnough(generation);
    }

    /**
     * Takes back a generation whose retirement found its scope held by a client (a downcall or
     * I/O on a stale segment in flight): it is retired again by {@link #sealIfWaiting()} once
     * {@value #RETRY_NANOS} ns have passed, and until then stays among the unretired (so its
     * waiting chunks can still be purged under pressure).
     */
    public void retryLater(Generation generation) {
        generation.retryAfterNanos = System.nanoTime() + RETRY_NANOS;
        retries.add(generation);
    }

    /** Retires again, at once, every generation waiting to retry; for drains. */
    public void retryNow() {
        Generation generation;
        int n = retries.size();
        for (int i = 0; i < n && (generation = retries.poll()) != null; i++) {
            retired(generation);
        }
    }

    /** Returns whether generations wait to retry their retirement. */
    public boolean hasRetries() {
        return !retries.isEmpty();
    }

    private void retryDue() {
        int n = retries.size();
        for (int i = 0; i < n; i++) {
            Generation generation = retries.poll();
            if (generation == null) {
                return;
            }
            if (System.nanoTime() - generation.retryAfterNanos >= 0) {
                retired(generation);
            } else {
                retries.add(generation);
            }
        }
    }

    /**
     * Seals every generation and returns those not yet retired; for closing the heap.
     */
    public Set<Generation> sealAll() {
        Generation generation = current;
        if (generation != null) {
            seal(generation);
        }
        return Set.copyOf(unretired);
    }

    /**
     * Adds, per size class, the chunks that wait in unretired generations (their pool books
     * them allocated) to {@code chunksPerClass}: one entry per class, then one for huge
     * chunks. A racy walk: exact when no buffer is being closed or retired meanwhile.
     */
    public void countWaiting(long[] chunksPerClass) {
        for (Generation generation : unretired) {
            for (io.zeroheap.pool.Chunk head : generation.waitingHeads()) {
                for (io.zeroheap.pool.Chunk chunk = head; chunk != null; chunk = chunk.nextWaiting) {
                    if (chunk.isWaiting()) {
                        int index = chunk.classIndex();
                        chunksPerClass[index < 0 ? chunksPerClass.length - 1 : index]++;
                    }
                }
            }
        }
    }

    /** Adds the pages of the huge chunks that wait in unretired generations to {@code pages[0]}. */
    public void countWaitingHugePages(long[] pages) {
        for (Generation generation : unretired) {
            for (io.zeroheap.pool.Chunk head : generation.waitingHeads()) {
                for (io.zeroheap.pool.Chunk chunk = head; chunk != null; chunk = chunk.nextWaiting) {
                    if (chunk.isWaiting() && chunk.classIndex() < 0) {
                        pages[0] += chunk.nrPages();
                    }
                }
            }
        }
    }

    /** Returns the generations not yet retired (a snapshot). */
    public Set<Generation> unretired() {
        return Set.copyOf(unretired);
    }

    private void seal(Generation generation) {
        // Seal before detaching: from the moment it is no longer current, a generation that is
        // due to retire shows as such to retirementPending() (drain waits on it).
        boolean due = generation.seal();
        detach(generation);
        if (due) {
            retired(generation);
        }
    }

    private synchronized void detach(Generation generation) {
        if (current == generation) {
            current = null;
        }
    }

    private synchronized Generation startGeneration() {
        if (current == null) {
            Generation generation = new Generation(slots);
            unretired.add(generation);
            current = generation;
        }
        return current;
    }
}
