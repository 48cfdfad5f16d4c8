package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A JDK arena per operation ({@link Arena#ofConfined()} or {@link Arena#ofShared()}):
 * {@code allocate(size)} with the default alignment (malloc and zeroing on the calling
 * thread), close (free; for a shared arena after the JDK's handshake with every thread,
 * 45-60 µs here). Stateless, so thread-safe.
 */
final class JdkArenaAllocator implements Allocator {

    private final Supplier<Arena> arenas;

    JdkArenaAllocator(Supplier<Arena> arenas) {
        this.arenas = arenas;
    }

    @Override
    public long cycle(int byteSize, BufferUse use) {
        return ArenaCycle.cycle(arenas.get(), byteSize, use);
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        ArenaCycle.use(arenas.get(), byteSize, action);
    }

    @Override
    public void close() {
    }
}
