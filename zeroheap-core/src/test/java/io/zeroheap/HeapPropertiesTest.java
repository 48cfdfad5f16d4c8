package io.zeroheap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of allocate / retain / close / arena-allocate / arena-close / shrink / hand
 * over, run from two threads on one heap. After every step: every live segment reads as
 * written, every new one reads zero, and the accounting identity holds.
 */
class HeapPropertiesTest {

    sealed interface Op permits Allocate, Retain, Close, ArenaAllocate, ArenaClose, Shrink, HandOver, TakeOver {
    }

    record Allocate(long byteSize) implements Op {
    }

    record Retain(int index) implements Op {
    }

    record Close(int index) implements Op {
    }

    record ArenaAllocate(long byteSize) implements Op {
    }

    record ArenaClose() implements Op {
    }

    record Shrink(long nrPages) implements Op {
    }

    record HandOver(int index) implements Op {
    }

    record TakeOver() implements Op {
    }

    /** A segment and the byte its owner wrote into all of it. */
    record Written(MemorySegment segment, byte value) {
        void check() {
            assertThat(Zero.firstNot(segment, value)).as("a live segment reads as written").isEqualTo(-1);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> sizes = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 9000),
                Arbitraries.of(4095L, 4096L, 4097L, 65536L, 1L << 20, (32L << 20) + 1));
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(4, sizes.map(Allocate::new)),
                Tuple.of(1, index.map(Retain::new)),
                Tuple.of(3, index.map(Close::new)),
                Tuple.of(3, Arbitraries.longs().between(0, 20_000).map(ArenaAllocate::new)),
                Tuple.of(1, Arbitraries.just(new ArenaClose())),
                Tuple.of(1, Arbitraries.longs().between(0, 64).map(Shrink::new)),
                Tuple.of(1, index.map(HandOver::new)),
                Tuple.of(1, Arbitraries.just(new TakeOver())));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<List<Op>>> twoThreads() {
        return Combinators.combine(ops(), ops()).as(List::of);
    }

    @Property(tries = 60)
    void twoThreadsNeverSeeStaleDataAndTheAccountsBalance(@ForAll("twoThreads") List<List<Op>> programs,
                                                          @ForAll boolean deferredFree) throws Exception {
        try (SystemHeap heap = SystemHeap.builder().name("properties").register(false)
                .deferredFree(deferredFree).generationMaxBuffers(8).build()) {
            ConcurrentLinkedQueue<HeapBuffer> handedOver = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> run(heap, programs.get(1), handedOver, 2));
            run(heap, programs.get(0), handedOver, 1);
            other.get(60, TimeUnit.SECONDS);
            HeapBuffer left;
            while ((left = handedOver.poll()) != null) {
                left.close();
            }
            heap.drain();
            HeapStats end = heap.stats();
            Zero.assertBalanced(end);
            assertThat(end.allocatedBytes()).as("everything was closed").isZero();
            assertThat(end.pendingBytes()).as("pending after drain: %s", end).isZero();
        }
    }

    private static void run(SystemHeap heap, List<Op> program, ConcurrentLinkedQueue<HeapBuffer> handedOver,
                            int thread) {
        List<HeapBuffer> buffers = new ArrayList<>();
        List<Written> written = new ArrayList<>();
        Arena arena = heap.newArena();
        List<Written> arenaWritten = new ArrayList<>();
        byte next = (byte) (thread * 50);
        for (Op op : program) {
            switch (op) {
                case Allocate a -> {
                    HeapBuffer buffer = heap.allocate(a.byteSize());
                    assertThat(Zero.firstNonZero(buffer.segment())).as("new buffer of %d reads zero", a.byteSize())
                            .isEqualTo(-1);
                    byte value = ++next == 0 ? ++next : next;
                    buffer.segment().fill(value);
                    buffers.add(buffer);
                    written.add(new Written(buffer.segment(), value));
                }
                case Retain r when !buffers.isEmpty() -> {
                    int i = r.index() % buffers.size();
                    buffers.add(buffers.get(i).retain());
                    written.add(written.get(i));
                }
                case Close c when !buffers.isEmpty() -> {
                    int i = c.index() % buffers.size();
                    buffers.remove(i).close();
                    written.remove(i);
                }
                case HandOver h when !buffers.isEmpty() -> {
                    int i = h.index() % buffers.size();
                    handedOver.add(buffers.remove(i));
                    written.remove(i);
                }
                case TakeOver t -> {
                    HeapBuffer taken = handedOver.poll();
                    if (taken != null) {
                        if (taken.byteSize() > 0) {
                            taken.segment().get(ValueLayout.JAVA_BYTE, taken.byteSize() - 1);
                        }
                        taken.close();
                    }
                }
                case ArenaAllocate a -> {
                    MemorySegment segment = arena.allocate(a.byteSize(), 8);
                    assertThat(Zero.firstNonZero(segment)).as("new arena segment of %d reads zero", a.byteSize())
                            .isEqualTo(-1);
                    byte value = ++next == 0 ? ++next : next;
                    segment.fill(value);
                    arenaWritten.add(new Written(segment, value));
                }
                case ArenaClose c -> {
                    arena.close();
                    arenaWritten.clear();
                    arena = heap.newArena();
                }
                case Shrink s -> heap.shrink(s.nrPages());
                default -> {
                    // an index op with nothing to act on
                }
            }
            written.forEach(Written::check);
            arenaWritten.forEach(Written::check);
            Zero.assertBalanced(heap.stats());
        }
        buffers.forEach(HeapBuffer::close);
        arena.close();
    }
}
