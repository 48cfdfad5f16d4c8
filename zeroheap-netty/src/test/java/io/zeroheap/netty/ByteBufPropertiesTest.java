package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;
import io.zeroheap.HeapStats;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of allocate / write / grow / slice / retain / release, run from two
 * threads on one heap (an allocator each, so that each metric is exact): every byte of a fresh
 * buffer or of grown capacity reads zero, every written byte reads back (through slices too),
 * after every step the metric is the capacity of the thread's live buffers, and once
 * everything is released and the heap drained, the heap holds nothing allocated.
 */
class ByteBufPropertiesTest {

    sealed interface Op permits Allocate, Write, Grow, Slice, Retain, Release {
    }

    record Allocate(boolean direct, int capacity) implements Op {
    }

    /** Writes {@code length} bytes of {@code value} at the writer index (a root may grow), or into a slice. */
    record Write(int index, int length, byte value) implements Op {
    }

    record Grow(int index, int extraBytes) implements Op {
    }

    record Slice(int index) implements Op {
    }

    record Retain(int index) implements Op {
    }

    record Release(int index) implements Op {
    }

    /** A root buffer, what it and every slice of it should read, and the references still owed. */
    static final class Model {
        final ByteBuf root;
        byte[] expected;
        int references = 1;

        Model(ByteBuf root) {
            this.root = root;
            expected = new byte[root.capacity()];
        }
    }

    /** One reference to release: a root buffer or a retained slice of one, at {@code offset} in it. */
    record Ref(ByteBuf buf, Model model, int offset, boolean root) {
        void check() {
            byte[] actual = new byte[buf.capacity()];
            buf.getBytes(0, actual);
            byte[] expected = Arrays.copyOfRange(model.expected, offset, offset + buf.capacity());
            assertThat(Arrays.mismatch(actual, expected)).as("first byte that differs from the model in %s", buf)
                    .isEqualTo(-1);
        }
    }

    @SuppressWarnings("unchecked")
    static Gen<List<Op>> ops() {
        Gen<Integer> capacities = Generate.frequency(
                Pair.of(3, SourceDSL.integers().between(0, 9000)),
                Pair.of(1, Generate.pick(List.of(4095, 4096, 4097, 65_536))));
        Gen<Integer> index = SourceDSL.integers().between(0, 7);
        Gen<Op> op = Generate.frequency(
                Pair.of(3, SourceDSL.booleans().all().zip(capacities, Allocate::new)),
                Pair.of(4, index.zip(SourceDSL.integers().between(0, 5000), SourceDSL.integers().between(1, 255),
                        (i, length, value) -> new Write(i, length, (byte) (int) value))),
                Pair.of(2, index.zip(SourceDSL.integers().between(0, 20_000), Grow::new)),
                Pair.of(1, index.map(Slice::new)),
                Pair.of(1, index.map(Retain::new)),
                Pair.of(3, index.map(Release::new)));
        return Lists.of(op, 1, 40);
    }

    /** 50 tries of two 1-40 step threads, a fresh heap each (about 30 ms a try). */
    @Test
    void twoThreadsShouldSeeOnlyZeroesAndTheirOwnWritesAndGiveEverythingBack() {
        QuickTheory.qt().withExamples(50).withShrinkCycles(500)
                .forAll(ops(), ops())
                .checkAssert((first, second) -> {
                    try {
                        check(first, second);
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Error error ? error : new AssertionError(e.getCause());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static void check(List<Op> first, List<Op> second) throws Exception {
        try (SystemHeap heap = SystemHeap.builder().name("netty-properties").register(false)
                .generationMaxBuffers(8).build()) {
            CompletableFuture<Void> other = CompletableFuture.runAsync(
                    () -> run(new ZeroheapByteBufAllocator(heap), second));
            try {
                run(new ZeroheapByteBufAllocator(heap), first);
            } finally {
                other.get(60, TimeUnit.SECONDS); // never close the heap under the other thread
            }
            heap.drain();
            HeapStats end = heap.stats();
            assertThat(end.allocatedBytes()).as("everything was released: %s", end).isZero();
            assertThat(end.allocatedBytes() + end.pooledBytes() + end.pendingBytes()).isEqualTo(end.reservedBytes());
        }
    }

    /**
     * Runs {@code ops} on this thread's own buffers, checking the metric after each, then
     * releases every reference left: the metric then reads 0.
     */
    private static void run(ZeroheapByteBufAllocator alloc, List<Op> ops) {
        List<Ref> refs = new ArrayList<>();
        try {
            for (Op op : ops) {
                step(alloc, refs, op);
                assertThat(alloc.metric().usedDirectMemory()).as("direct bytes after %s", op).isEqualTo(liveBytes(refs, true));
                assertThat(alloc.metric().usedHeapMemory()).as("heap bytes after %s", op).isEqualTo(liveBytes(refs, false));
            }
        } finally {
            for (Ref ref : refs) {
                ref.buf().release();
            }
        }
        assertThat(alloc.metric().usedDirectMemory()).isZero();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    private static long liveBytes(List<Ref> refs, boolean direct) {
        return refs.stream().map(Ref::model).distinct().filter(model -> model.root.isDirect() == direct)
                .mapToLong(model -> model.root.capacity()).sum();
    }

    private static void step(ZeroheapByteBufAllocator alloc, List<Ref> refs, Op op) {
        switch (op) {
            case Allocate(boolean direct, int capacity) -> {
                ByteBuf buf = direct ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);
                Ref ref = new Ref(buf, new Model(buf), 0, true);
                refs.add(ref);
                ref.check(); // all zero
            }
            case Write(int index, int length, byte value) when !refs.isEmpty() -> {
                Ref ref = refs.get(index % refs.size());
                ByteBuf buf = ref.buf();
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, value);
                if (ref.root()) {
                    int at = buf.writerIndex();
                    buf.writeBytes(bytes); // grows the buffer when it must
                    Model model = ref.model();
                    model.expected = Arrays.copyOf(model.expected, buf.capacity());
                    Arrays.fill(model.expected, at, at + length, value);
                } else {
                    int n = Math.min(length, buf.capacity());
                    buf.setBytes(0, bytes, 0, n);
                    Arrays.fill(ref.model().expected, ref.offset(), ref.offset() + n, value);
                }
                ref.check();
            }
            case Grow(int index, int extraBytes) when !refs.isEmpty() -> {
                Ref ref = refs.get(index % refs.size());
                if (ref.root()) {
                    ref.buf().ensureWritable(extraBytes);
                    ref.model().expected = Arrays.copyOf(ref.model().expected, ref.buf().capacity());
                    ref.check(); // kept, and zero beyond
                }
            }
            case Slice(int index) when !refs.isEmpty() -> {
                Ref ref = refs.get(index % refs.size());
                if (ref.root()) {
                    int offset = ref.buf().writerIndex() / 3;
                    ByteBuf slice = ref.buf().retainedSlice(offset, ref.buf().writerIndex() - offset);
                    ref.model().references++;
                    Ref sliced = new Ref(slice, ref.model(), offset, false);
                    refs.add(sliced);
                    sliced.check();
                }
            }
            case Retain(int index) when !refs.isEmpty() -> {
                Ref ref = refs.get(index % refs.size());
                ref.buf().retain();
                ref.model().references++;
                refs.add(ref);
            }
            case Release(int index) when !refs.isEmpty() -> {
                Ref ref = refs.remove(index % refs.size());
                boolean last = --ref.model().references == 0;
                assertThat(ref.buf().release()).as("release() says whether it was the last").isEqualTo(last);
                if (!last) {
                    for (Ref other : refs) {
                        if (other.model() == ref.model()) {
                            other.check();
                        }
                    }
                }
            }
            default -> {
                // a step on a buffer when this thread holds none
            }
        }
    }
}
