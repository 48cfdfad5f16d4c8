package io.zeroheap.os;

/** A memory source that forwards every call, for tests that change one of them. */
public abstract class DelegatingSource implements MemorySource {

    private final MemorySource delegate;

    protected DelegatingSource(MemorySource delegate) {
        this.delegate = delegate;
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
