package io.zeroheap.os;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory source that fails a share of the calls into the OS, for testing how a heap survives
 * them: {@code mmap} refuses ({@link MemoryRefusedException}, as {@code ENOMEM}), {@code munmap}
 * and zeroing throw {@link IllegalStateException}, {@code madvise} refuses (returns false).
 * Every failure message starts with {@code "injected fault: "}. Which calls fail is drawn from
 * a seeded SplitMix64 sequence, one draw per call, so a single-threaded run repeats exactly.
 *
 * <p>Thread-safe: the draw is one atomic add; the probability may be changed at any time.
 */
public final class FaultInjectingSource extends DelegatingSource {

    private final AtomicLong state;
    private final AtomicLong injected = new AtomicLong();
    private volatile double probability;

    /**
     * @param delegate    the source the calls that do not fail go to
     * @param probability the share of calls that fail, 0 to 1
     * @param seed        seeds the draws
     * @throws IllegalArgumentException if {@code probability} is not within [0, 1]
     */
    public FaultInjectingSource(MemorySource delegate, double probability, long seed) {
        super(delegate);
        this.state = new AtomicLong(seed);
        setProbability(probability);
    }

    /**
     * Sets the share of calls that fail from now on (0 turns the faults off).
     *
     * @throws IllegalArgumentException if not within [0, 1]
     */
    public void setProbability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability: " + probability + " (expected: 0 to 1)");
        }
        this.probability = probability;
    }

    /** Returns how many calls were made to fail. */
    public long injectedFaults() {
        return injected.get();
    }

    private boolean fails() {
        double p = probability;
        if (p == 0) {
            return false;
        }
        long z = state.addAndGet(0x9E3779B97F4A7C15L); // SplitMix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        if ((z >>> 11) * 0x1.0p-53 >= p) {
            return false;
        }
        injected.incrementAndGet();
        return true;
    }


    @Override
    public long map(long byteSize, boolean populate, boolean hugePages) {
        if (fails()) {
            throw new MemoryRefusedException("injected fault: mmap of " + byteSize + " bytes refused");
        }
        return super.map(byteSize, populate, hugePages);
    }

    @Override
    public void unmap(long address, long byteSize) {
        if (fails()) {
            throw new IllegalStateException("injected fault: munmap of " + byteSize + " bytes failed");
        }
        super.unmap(address, byteSize);
    }


    @Override
    public boolean purge(long address, long byteSize) {
        return !fails() && super.purge(address, byteSize);
    }


    @Override
    public void zero(long address, long byteSize) {
        if (fails()) {
            throw new IllegalStateException("injected fault: zeroing " + byteSize + " bytes failed");
        }
        super.zero(address, byteSize);
    }


    @Override
    public String toString() {
        return "FaultInjectingSource[" + name() + ", p " + probability + ", " + injected.get() + " injected]";
    }
}
