package io.zeroheap.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One contract run against every {@link AllocatorKind}: what {@link AllocatorKind#zeroed()}
 * claims holds after a buffer of the same size was dirtied and freed; and every kind's
 * measured operation runs.
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
                    allocator.awaitIdle(TimeUnit.SECONDS.toNanos(1));
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

    /** Netty without setZero hands back what the last user wrote: the contract test can tell, and the kind says so. */
    @ParameterizedTest
    @ValueSource(ints = {4096, 65536})
    void shouldHandOutStaleDataFromNettyWithoutSetZero(int byteSize) {
        assertThat(AllocatorKind.NETTY_STALE.zeroed()).isFalse();
        try (Allocator allocator = AllocatorKind.NETTY_STALE.create()) {
            allocator.use(byteSize, segment -> segment.fill((byte) 0x5a));
            AtomicLong firstNonZero = new AtomicLong();
            allocator.use(byteSize, segment -> firstNonZero.set(firstNonZero(segment)));

            assertThat(firstNonZero.get()).isEqualTo(0);
        }
    }

    @ParameterizedTest
    @EnumSource(AllocatorKind.class)
    void shouldRunTheMeasuredOperationAndTellWhatItHolds(AllocatorKind kind) {
        try (Allocator allocator = kind.create()) {
            for (int byteSize : BYTE_SIZES) {
                allocator.cycle(byteSize, true);
                allocator.cycle(byteSize, false);
            }
            boolean malloc = kind == AllocatorKind.CONFINED_ARENA || kind == AllocatorKind.SHARED_ARENA;
            assertThat(allocator.heldBytes()).as("held by %s", kind.id()).isGreaterThanOrEqualTo(malloc ? -1 : 0);
            allocator.trim();
        }
    }

    /** The offset of the first byte that is not zero, or -1. */
    private static long firstNonZero(MemorySegment segment) {
        return segment.mismatch(ZEROS.asSlice(0, segment.byteSize()));
    }
}
