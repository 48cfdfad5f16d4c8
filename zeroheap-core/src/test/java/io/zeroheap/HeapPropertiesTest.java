package io.zeroheap;

import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
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

    @SuppressWarnings("unchecked")
    static Gen<List<Op>> ops() {
        Gen<Long> sizes = Generate.frequency(
                Pair.of(1, Theories.longs(0, 9000)),
                Pair.of(1, Generate.pick(List.of(4095L, 4096L, 4097L, 65536L, 1L << 20, (32L << 20) + 1))));
        Gen<Integer> index = Theories.ints(0, 7);
        Gen<Op> op = Generate.frequency(
                Pair.of(4, sizes.map(Allocate::new)),
                Pair.of(1, index.map(Retain::new)),
                Pair.of(3, index.map(Close::new)),
                Pair.of(3, Theories.longs(0, 20_000).map(ArenaAllocate::new)),
                Pair.of(1, Generate.constant(new ArenaClose())),
                Pair.of(1, Theories.longs(0, 64).map(Shrink::new)),
                Pair.of(1, index.map(HandOver::new)),
                Pair.of(1, Generate.constant(new TakeOver())));
        return Theories.lists(op, 1, 40);
    }

    /** 60 tries, as before; a try takes about 70 ms, so shrinking gets 600 cycles (under a minute). */
    @Test
    void twoThreadsNeverSeeStaleDataAndTheAccountsBalance() {
        Theories.qt(60, 600).forAll(ops(), ops(), SourceDSL.booleans().all())
                .checkAssert((first, second, deferredFree) -> {
                    try {
                        check(first, second, deferredFree);
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Error error ? error : new AssertionError(e.getCause());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static void check(List<Op> first, List<Op> second, boolean deferredFree) throws Exception {
        try (SystemHeap heap = SystemHeap.builder().name("properties").register(false)
                .deferredFree(deferredFree).generationMaxBuffers(8).build()) {
            ConcurrentLinkedQueue<HeapBuffer> handedOver = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> run(heap, second, handedOver, 2));
            try {
                run(heap, first, handedOver, 1);
            } catch (Throwable t) {
                try {
                    other.get(60, TimeUnit.SECONDS); // never close the heap under the other thread
                } catch (Exception e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
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
