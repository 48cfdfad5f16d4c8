package io.zeroheap.os;

/**
 * A memory source that forwards every call to another, for sources that change some of them
 * ({@link FaultInjectingSource}, and tests). Thread-safe if the delegate is.
 */
public abstract class DelegatingSource implements MemorySource {

    private final MemorySource delegate;

    /**
     * @param delegate the source every call goes to
     * @throws NullPointerException if {@code delegate} is null
     */
    protected DelegatingSource(MemorySource delegate) {
        this.delegate = io.zeroheap.util.Checks.requireNonNull(delegate, "delegate");
    }

    @Override
    public long pageSize() {
        return delegate.pageSize();
    }

    @Override
    public long map(long byteSize, boolean populate, boolean hugePages) {
        return delegate.map(byteSize, populate, hugePages);
    }

    @Override
    public void unmap(long address, long byteSize) {
        delegate.unmap(address, byteSize);
    }

    @Override
    public boolean canUnmapPartially() {
        return delegate.canUnmapPartially();
    }

    @Override
    public boolean purge(long address, long byteSize) {
        return delegate.purge(address, byteSize);
    }

    @Override
    public boolean canPurge() {
        return delegate.canPurge();
    }

    @Override
    public void zero(long address, long byteSize) {
        delegate.zero(address, byteSize);
    }

    @Override
    public String name() {
        return delegate.name();
    }
}
