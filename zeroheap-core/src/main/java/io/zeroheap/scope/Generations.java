package io.zeroheap.scope;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The generations of one heap: the current one, which new buffers join, and the sealed ones
 * that still have live buffers. Decides when to seal (see the package note for the cost
 * model) and hands every generation that must retire to the heap's retire action exactly
 * once.
 *
 * <p>Thread-safety: the current generation is swapped under this object's monitor (rare: once
 * per generation); joining it is a CAS on the generation.
 */
public final class Generations {

    private final long maxBuffers;
    private final long maxBytes;
    private final Consumer<Generation> retire;
    private final Set<Generation> unretired = ConcurrentHashMap.newKeySet();
    private volatile Generation current;

    /**
     * @param maxBuffers buffers after which a generation is sealed
     * @param maxBytes   bytes after which a generation is sealed
     * @param retire     called once per generation that is sealed and has no live buffer
     */
    public Generations(long maxBuffers, long maxBytes, Consumer<Generation> retire) {
        this.maxBuffers = maxBuffers;
        this.maxBytes = maxBytes;
        this.retire = retire;
    }

    /**
     * Joins the current generation with one buffer of {@code byteSize} bytes, starting a new
     * generation when the current one is sealed or full.
     */
    public Generation join(long byteSize) {
        while (true) {
            Generation generation = current;
            if (generation == null) {
                generation = startGeneration();
            }
            if (generation.tryAcquire(byteSize)) {
                if (generation.allocatedBuffers() >= maxBuffers || generation.allocatedBytes() >= maxBytes) {
                    seal(generation);
                }
                return generation;
            }
            detach(generation);
        }
    }

    /**
     * Called when a buffer's chunk was released into {@code generation} and the release said
     * the generation must retire.
     */
    public void retired(Generation generation) {
        unretired.remove(generation);
        retire.accept(generation);
    }

    /**
     * Seals the current generation if freed buffers wait in it, so their memory can be
     * recycled; the worker calls this when it is idle.
     */
    public void sealIfWaiting() {
        Generation generation = current;
        if (generation != null && generation.hasWaiting()) {
            seal(generation);
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

    /** Returns the generations not yet retired (a snapshot). */
    public Set<Generation> unretired() {
        return Set.copyOf(unretired);
    }

    private void seal(Generation generation) {
        detach(generation);
        if (generation.seal()) {
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
            Generation generation = new Generation();
            unretired.add(generation);
            current = generation;
        }
        return current;
    }
}
