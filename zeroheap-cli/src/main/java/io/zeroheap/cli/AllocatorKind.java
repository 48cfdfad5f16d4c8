package io.zeroheap.cli;

import picocli.CommandLine;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The allocators (and physical floors) {@code zeroheap bench} can measure, by command-line id. */
public enum AllocatorKind {
    /** {@code heap.newArena()}: one of the two references every result is compared with. */
    ZEROHEAP_ARENA("zeroheap-arena", "zeroheap newArena()", true),
    /** {@code heap.allocate(size)}: a refcounted {@code HeapBuffer}. */
    ZEROHEAP_BUFFER("zeroheap-buffer", "zeroheap HeapBuffer", true),
    /** {@code HeapBuffer}s allocated and used on one thread, read and closed on a second. */
    ZEROHEAP_BUFFER_HANDOVER("zeroheap-buffer-handover", "zeroheap HeapBuffer hand-over", true),
    /** {@code newArena()} on a heap built with {@code deferredFree(false)}: zeroing on the freeing thread. */
    ZEROHEAP_SYNC_ARENA("zeroheap-sync-arena", "zeroheap deferredFree(false) arena", true),
    /** {@code allocate(size)} on a heap built with {@code deferredFree(false)}. */
    ZEROHEAP_SYNC_BUFFER("zeroheap-sync-buffer", "zeroheap deferredFree(false) buffer", true),
    /** {@code Arena.ofConfined()} per buffer: the other reference. */
    CONFINED_ARENA("confined-arena", "Arena.ofConfined()", true),
    /** {@code Arena.ofShared()} per buffer. */
    SHARED_ARENA("shared-arena", "Arena.ofShared()", true),
    /** {@code ByteBuffer.allocateDirect}, freed by the GC. */
    ALLOCATE_DIRECT("allocate-direct", "ByteBuffer.allocateDirect", true),
    /** Netty pooled direct buffers: not zeroed. */
    NETTY_STALE("netty-stale", "Netty pooled (stale data)", false),
    /** Netty pooled direct buffers plus {@code setZero}. */
    NETTY_ZEROED("netty-zeroed", "Netty pooled + setZero", true),
    /** Netty pooled + {@code setZero}, allocated and used on one thread, read and released on a second. */
    NETTY_HANDOVER("netty-handover", "Netty + setZero hand-over", true),
    /** Floor: a per-thread LIFO stack of segments reused without zeroing. */
    FLOOR_STALE("floor-stale", "floor: stale hot stack", false),
    /** Floor: the same stack, each segment zeroed on the freeing thread right after use. */
    FLOOR_LOCAL("floor-local", "floor: zeroed on free", true),
    /** Floor (bursts only): a burst's segments, zeroed by another thread in the gap after each burst. */
    FLOOR_ELSEWHERE("floor-elsewhere", "floor: zeroed elsewhere", true);

    /** What {@code zeroheap bench} measures without {@code -a} or {@code --full}. */
    public static final List<AllocatorKind> DEFAULTS = List.of(ZEROHEAP_ARENA, ZEROHEAP_BUFFER, CONFINED_ARENA, NETTY_ZEROED,
            FLOOR_LOCAL, FLOOR_STALE, FLOOR_ELSEWHERE);

    private final String id;
    private final String label;
    private final boolean zeroed;

    AllocatorKind(String id, String label, boolean zeroed) {
        this.id = id;
        this.label = label;
        this.zeroed = zeroed;
    }

    /** The command-line id, e.g. {@code zeroheap-arena}. */
    public String id() {
        return id;
    }

    /** The label in tables and charts, e.g. {@code zeroheap newArena()}. */
    public String label() {
        return label;
    }

    /** Whether every buffer it hands out reads zero. */
    public boolean zeroed() {
        return zeroed;
    }

    /** Whether it is one of zeroheap's own allocators. */
    public boolean isZeroheap() {
        return id.startsWith("zeroheap-");
    }

    /** Whether it is a physical floor (bare segments, no allocator), not an allocator. */
    public boolean isFloor() {
        return id.startsWith("floor-");
    }

    /**
     * Whether its buffers are allocated and used on one thread and freed on a second
     * ({@link HandOverLoop}); its {@link #create()} then returns a {@link HandOverAllocator}.
     */
    public boolean handsOver() {
        return this == ZEROHEAP_BUFFER_HANDOVER || this == NETTY_HANDOVER;
    }

    /** Whether it can run in {@code regime}: {@code floor-elsewhere} needs the gaps between bursts. */
    public boolean supports(Regime regime) {
        return this != FLOOR_ELSEWHERE || regime.isBurst();
    }

    /** Creates a fresh instance (a zeroheap allocator builds its own, unregistered heap). */
    public Allocator create() {
        return switch (this) {
            case ZEROHEAP_ARENA -> new HeapArenaAllocator("bench-arena", true);
            case ZEROHEAP_BUFFER, ZEROHEAP_BUFFER_HANDOVER -> new HeapBufferAllocator("bench-buffer", true);
            case ZEROHEAP_SYNC_ARENA -> new HeapArenaAllocator("bench-sync-arena", false);
            case ZEROHEAP_SYNC_BUFFER -> new HeapBufferAllocator("bench-sync-buffer", false);
            case CONFINED_ARENA -> new JdkArenaAllocator(Arena::ofConfined);
            case SHARED_ARENA -> new JdkArenaAllocator(Arena::ofShared);
            case ALLOCATE_DIRECT -> new DirectBufferAllocator();
            case NETTY_STALE -> new NettyAllocator(false);
            case NETTY_ZEROED, NETTY_HANDOVER -> new NettyAllocator(true);
            case FLOOR_STALE -> new LifoFloorAllocator(false);
            case FLOOR_LOCAL -> new LifoFloorAllocator(true);
            case FLOOR_ELSEWHERE -> new ZeroedElsewhereFloorAllocator();
        };
    }

    /**
     * Finds a kind by id.
     *
     * @throws IllegalArgumentException if no kind has that id
     */
    public static AllocatorKind byId(String id) {
        for (AllocatorKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown allocator '" + id + "' (expected one of: " + ids() + ")");
    }

    /** All ids, comma-separated, in order. */
    public static String ids() {
        return Arrays.stream(values()).map(AllocatorKind::id).collect(Collectors.joining(", "));
    }

    /** Picocli's converter: an unknown id is a usage error (exit code 2). */
    public static final class Converter implements CommandLine.ITypeConverter<AllocatorKind> {
        @Override
        public AllocatorKind convert(String value) {
            try {
                return byId(value.strip());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
