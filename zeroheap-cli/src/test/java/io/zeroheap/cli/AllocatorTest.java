package io.zeroheap.cli;

import io.netty.buffer.ByteBuf;
import io.zeroheap.HeapBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One contract run against every {@link AllocatorKind}: what {@link AllocatorKind#zeroed()}
 * claims holds after a buffer of the same size was dirtied and freed; every use mode runs on
 * every kind; every kind can be shared by several threads at once; hand-over kinds free on
 * another thread; and the floors do what they stand for.
 */
class AllocatorTest {

    private static final int[] BYTE_SIZES = {64, 4096, 65536, 1 << 20};
    private static final int REUSES = 3;
    private static final MemorySegment ZEROS = Arena.global().allocate(1 << 20);

    @ParameterizedTest
    @EnumSource(AllocatorKind.class)
    void shouldReadZeroAfterADirtiedBufferWasFreedWhenTheKindClaimsZeroed(AllocatorKind kind) {
        try (Allocator allocator = kind.create()) {
            for (int byteSize : BYTE_SIZES) {
                allocator.use(byteSize, segment -> segment.fill((byte) 0x5a));
                for (int i = 0; i < REUSES; i++) {
                    AtomicLong firstNonZero = new AtomicLong();
                    allocator.use(byteSize, segment -> {
                        firstNonZero.set(firstNonZero(segment));
                        segment.fill((byte) 0x5a);
                    });
                    if (kind.zeroed()) {
                        assertThat(firstNonZero.get()).as("%s, %d bytes, allocation %d after a dirtied one: first byte not zero",
                                kind.id(), byteSize, i + 1).isEqualTo(-1);
                    }
                }
            }
        }
    }

    /** Netty without setZero and the stale floor hand back what the last user wrote: the contract test can tell, and the kinds say so. */
    @ParameterizedTest
    @EnumSource(value = AllocatorKind.class, names = {"NETTY_STALE", "FLOOR_STALE"})
    void shouldHandOutStaleDataWhereTheKindSaysSo(AllocatorKind kind) {
        assertThat(kind.zeroed()).isFalse();
        for (int byteSize : new int[] {4096, 65536}) {
            try (Allocator allocator = kind.create()) {
                allocator.use(byteSize, segment -> segment.fill((byte) 0x5a));
                AtomicLong firstNonZero = new AtomicLong();
                allocator.use(byteSize, segment -> firstNonZero.set(firstNonZero(segment)));

                assertThat(firstNonZero.get()).as("%s, %d bytes", kind.id(), byteSize).isEqualTo(0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AllocatorKind.class)
    void shouldRunEveryUseModeAndTellWhatItHolds(AllocatorKind kind) {
        try (Allocator allocator = kind.create()) {
            for (int byteSize : BYTE_SIZES) {
                allocator.trim();
                for (BufferUse use : BufferUse.values()) {
                    long value = allocator.cycle(byteSize, use);
                    if (use == BufferUse.FILL) {
                        assertThat(value).as("%s, fill of %d bytes: sum of one byte per cache line", kind.id(), byteSize)
                                .isEqualTo(BufferWork.FILL_BYTE * ((byteSize + 63L) / 64));
                    }
                }
                allocator.afterBurst();
            }
            boolean malloc = kind == AllocatorKind.CONFINED_ARENA || kind == AllocatorKind.SHARED_ARENA;
            assertThat(allocator.heldBytes()).as("held by %s", kind.id()).isGreaterThanOrEqualTo(malloc ? -1 : 0);
            allocator.trim();
        }
    }

    /** One instance, four threads at once, each allocating, filling, checking and freeing its own buffers. */
    @ParameterizedTest
    @EnumSource(AllocatorKind.class)
    @Timeout(30)
    void shouldServeSeveralThreadsAtOnceWithOneInstance(AllocatorKind kind) throws Exception {
        int threads = 4;
        int byteSize = 16384;
        try (Allocator allocator = kind.create()) {
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong dirtyHandedOut = new AtomicLong();
            for (int t = 0; t < threads; t++) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < 200; i++) {
                            allocator.use(byteSize, segment -> {
                                if (firstNonZero(segment) != -1) {
                                    dirtyHandedOut.incrementAndGet();
                                }
                                segment.fill((byte) 0x5a);
                            });
                            allocator.cycle(byteSize, BufferUse.FILL);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            start.countDown();
            assertThat(done.await(20, TimeUnit.SECONDS)).as("threads finished").isTrue();

            assertThat(failure.get()).as("%s failed on a thread", kind.id()).isNull();
            if (kind.zeroed()) {
                assertThat(dirtyHandedOut.get()).as("%s handed out dirty memory under contention", kind.id()).isZero();
            }
        }
    }

    @Test
    @Timeout(10)
    void shouldFreeAHeapBufferOnAnotherThreadThanTheOneThatAllocatedIt() throws Exception {
        try (HeapBufferAllocator allocator = (HeapBufferAllocator) AllocatorKind.ZEROHEAP_BUFFER_HANDOVER.create()) {
            List<HeapBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                HeapBuffer buffer = allocator.allocate(65536);
                BufferUse.FILL.apply(allocator.segment(buffer));
                buffers.add(buffer);
            }
            Thread freer = Thread.ofPlatform().start(() -> buffers.forEach(b -> {
                assertThat(BufferWork.readLines(allocator.segment(b))).isEqualTo(7L * 65536 / 64);
                allocator.free(b);
            }));
            freer.join();

            assertThat(buffers).allSatisfy(b -> assertThat(b.refCount()).isZero());
            allocator.heap.drain();
            assertThat(allocator.heap.stats().allocatedBytes()).as("every handed-over buffer freed").isZero();
        }
    }

    @Test
    @Timeout(10)
    void shouldReleaseANettyBufferOnAnotherThreadThanTheOneThatAllocatedIt() throws Exception {
        try (NettyAllocator allocator = (NettyAllocator) AllocatorKind.NETTY_HANDOVER.create()) {
            List<ByteBuf> buffers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ByteBuf buffer = allocator.allocate(65536);
                assertThat(firstNonZero(allocator.segment(buffer))).as("zeroed by setZero").isEqualTo(-1);
                BufferUse.FILL.apply(allocator.segment(buffer));
                buffers.add(buffer);
            }
            Thread freer = Thread.ofPlatform().start(() -> buffers.forEach(allocator::free));
            freer.join();

            assertThat(buffers).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        }
    }

    @Test
    void shouldOnlyLetTheHandOverKindsHandOver() {
        for (AllocatorKind kind : AllocatorKind.values()) {
            try (Allocator allocator = kind.create()) {
                assertThat(allocator instanceof HandOverAllocator<?> || !kind.handsOver()).as(kind.id()).isTrue();
            }
        }
        assertThat(AllocatorKind.values()).filteredOn(AllocatorKind::handsOver)
                .containsExactly(AllocatorKind.ZEROHEAP_BUFFER_HANDOVER, AllocatorKind.NETTY_HANDOVER);
    }

    /** floor-local: LIFO, so the one segment comes back, zeroed on the freeing thread right after its use. */
    @Test
    void shouldGiveBackTheSameSegmentZeroedWhenTheFloorZeroesOnFree() {
        try (Allocator floor = AllocatorKind.FLOOR_LOCAL.create()) {
            AtomicLong address = new AtomicLong();
            floor.use(65536, segment -> {
                address.set(segment.address());
                segment.fill((byte) 0x5a);
            });
            AtomicLong again = new AtomicLong();
            AtomicLong firstNonZero = new AtomicLong();
            floor.use(65536, segment -> {
                again.set(segment.address());
                firstNonZero.set(firstNonZero(segment));
            });

            assertThat(again.get()).as("the segment freed last").isEqualTo(address.get());
            assertThat(firstNonZero.get()).isEqualTo(-1);
        }
    }

    /** floor-elsewhere: a burst takes the pool's segments in order; after the burst they are zeroed on the zeroer thread. */
    @Test
    void shouldHaveABurstsSegmentsZeroedAfterTheBurstWhenTheFloorZeroesElsewhere() {
        int burst = 4;
        try (Allocator floor = AllocatorKind.FLOOR_ELSEWHERE.create()) {
            floor.prepare(new Cell(BufferUse.FILL, Regime.burst(burst, 0), 1, 8192));
            assertThat(floor.heldBytes()).as("the burst's segments, mapped before the warm-up").isEqualTo(burst * 8192L);
            List<Long> addresses = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                floor.cycle(8192, BufferUse.FILL);
            }
            for (int round = 0; round < 2; round++) {
                floor.afterBurst();
                AtomicLong firstNonZero = new AtomicLong();
                AtomicLong address = new AtomicLong();
                floor.use(8192, segment -> {
                    firstNonZero.set(firstNonZero(segment));
                    address.set(segment.address());
                    segment.fill((byte) 0x5a);
                });
                addresses.add(address.get());
                assertThat(firstNonZero.get()).as("round %d: the burst's first segment after the zeroer ran", round).isEqualTo(-1);
            }

            assertThat(addresses.get(1)).as("each burst starts again at the pool's first segment").isEqualTo(addresses.get(0));
            assertThat(floor.heldBytes()).as("no segment added beyond the burst").isEqualTo(burst * 8192L);
        }
    }

    @Test
    void shouldRunOnlyFloorElsewhereInBurstsAlone() {
        for (AllocatorKind kind : AllocatorKind.values()) {
            assertThat(kind.supports(Regime.burst(8, 0))).as(kind.id()).isTrue();
            assertThat(kind.supports(Regime.SUSTAINED)).as(kind.id()).isEqualTo(kind != AllocatorKind.FLOOR_ELSEWHERE);
        }
    }

    /** Surefire runs with native access enabled: the floors zero with memset and map their memory, and say so. */
    @Test
    void shouldZeroWithMemsetAndMapHugePagesWhereNativeAccessIsEnabled() {
        assertThat(FloorZeroing.usesMemset()).isTrue();
        assertThat(FloorZeroing.description()).isEqualTo("memset (critical downcall)");
        assertThat(FloorMemory.description()).startsWith("mmap");
        try (FloorMemory memory = new FloorMemory()) {
            MemorySegment small = memory.allocate(5000);
            MemorySegment large = memory.allocate(3L << 20);

            assertThat(small.address() % 4096).isZero();
            assertThat(large.address() % (2L << 20)).as("2 MiB-aligned, for huge pages").isZero();
            assertThat(firstNonZero(small)).isEqualTo(-1);
            FloorZeroing.zero(large.asSlice(0, 4096).fill((byte) 1));
            assertThat(firstNonZero(large.asSlice(0, 4096))).isEqualTo(-1);
            assertThat(memory.heldBytes()).isEqualTo(5000 + (3L << 20));
            int epoch = memory.epoch();
            memory.reset();
            assertThat(small.scope().isAlive()).as("freed by the reset").isFalse();
            assertThat(memory.epoch()).isNotEqualTo(epoch);
            assertThat(memory.heldBytes()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zeroheap-arena", "floor-stale", "netty-zeroed"})
    void shouldBeAmongTheDefaults(String id) {
        assertThat(AllocatorKind.DEFAULTS).contains(AllocatorKind.byId(id));
    }

    /** The offset of the first byte that is not zero, or -1. */
    static long firstNonZero(MemorySegment segment) {
        return segment.mismatch(ZEROS.asSlice(0, segment.byteSize()));
    }
}
