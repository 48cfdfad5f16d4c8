package io.zeroheap.cli;

import java.lang.foreign.MemorySegment;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * {@link ByteBuffer#allocateDirect(int)} (zeroed on the calling thread), used through
 * {@link MemorySegment#ofBuffer}. It cannot be freed explicitly: its memory goes back when the
 * GC finds the buffer unreachable, so {@link #trim()} and {@link #close()} ask for a GC,
 * untimed. Within one measurement the GC only runs if direct memory reaches
 * {@code -XX:MaxDirectMemorySize}; that cost, when it comes, is part of the score. What it
 * holds is the JVM's {@code "direct"} buffer pool: every direct buffer not yet collected.
 * Stateless apart from the pool's MXBean, so thread-safe.
 */
final class DirectBufferAllocator implements Allocator {

    private final BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct")).findFirst().orElse(null);

    @Override
    public long cycle(int byteSize, BufferUse use) {
        return use.apply(MemorySegment.ofBuffer(ByteBuffer.allocateDirect(byteSize)));
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        action.accept(MemorySegment.ofBuffer(ByteBuffer.allocateDirect(byteSize)));
    }

    @Override
    public void trim() {
        System.gc();
    }

    /** The JVM's direct buffer pool, in bytes (buffers awaiting the GC included); -1 without the MXBean. */
    @Override
    public long heldBytes() {
        return directPool == null ? -1 : directPool.getMemoryUsed();
    }

    @Override
    public void close() {
        System.gc();
    }
}
