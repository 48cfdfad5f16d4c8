package io.zeroheap.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A JDK arena per operation ({@link Arena#ofConfined()} or {@link Arena#ofShared()}):
 * {@code allocate(size)} with the default alignment (malloc and zeroing on the calling
 * thread), close (free; for a shared arena after the JDK's handshake with every thread,
 * 45-60 µs here).
 */
final class JdkArenaAllocator implements Allocator {

    private final Supplier<Arena> arenas;

    JdkArenaAllocator(Supplier<Arena> arenas) {
        this.arenas = arenas;
    }

    @Override
    public long cycle(int byteSize, boolean touch) {
        try (Arena arena = arenas.get()) {
            MemorySegment segment = arena.allocate(byteSize);
            if (touch) {
                PageTouch.touch(segment);
            }
            return segment.address();
        }
    }

    @Override
    public void use(int byteSize, Consumer<MemorySegment> action) {
        try (Arena arena = arenas.get()) {
            action.accept(arena.allocate(byteSize));
        }
    }

    @Override
    public void close() {
    }
}
