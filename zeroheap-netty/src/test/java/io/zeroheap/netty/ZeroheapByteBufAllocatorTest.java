package io.zeroheap.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.zeroheap.HeapBuffer;
import io.zeroheap.Heaps;
import io.zeroheap.LeakDetection;
import io.zeroheap.SystemHeap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The allocator itself: which kind each call gives, its arguments, and leak reporting. */
class ZeroheapByteBufAllocatorTest {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static SystemHeap heap(String name) {
        return SystemHeap.builder().name(name).register(false).build();
    }

    @Test
    void theDefaultShouldUseTheSystemHeapAndPreferDirectBuffers() {
        assertThat(ZeroheapByteBufAllocator.DEFAULT.heap()).isSameAs(Heaps.system());
        ByteBuf buf = ZeroheapByteBufAllocator.DEFAULT.buffer(100);
        try {
            assertThat(buf.isDirect()).isTrue();
            assertThat(ZeroheapByteBufAllocator.DEFAULT.metric().usedDirectMemory()).isGreaterThanOrEqualTo(100);
        } finally {
            buf.release();
        }
        assertThat(ZeroheapByteBufAllocator.DEFAULT.isDirectBufferPooled()).isTrue();
    }

    @Test
    void preferDirectShouldChooseWhatBufferGivesButIoBuffersStayDirect() {
        try (SystemHeap heap = heap("netty-prefer")) {
            ZeroheapByteBufAllocator heapFirst = new ZeroheapByteBufAllocator(heap, false);
            ByteBuf plain = heapFirst.buffer(10);
            ByteBuf io = heapFirst.ioBuffer(10);
            ByteBuf composite = heapFirst.compositeBuffer();
            assertThat(plain.isDirect()).isFalse();
            assertThat(io.isDirect()).isTrue();
            assertThat(heapFirst.metric().usedHeapMemory()).isEqualTo(10);
            assertThat(heapFirst.metric().usedDirectMemory()).isEqualTo(10);
            plain.release();
            io.release();
            composite.release();
            ByteBuf preferred = new ZeroheapByteBufAllocator(heap).buffer(10);
            assertThat(preferred.isDirect()).isTrue();
            preferred.release();
        }
    }

    @Test
    void argumentsShouldBeChecked() {
        assertThatNullPointerException().isThrownBy(() -> new ZeroheapByteBufAllocator(null)).withMessageContaining("heap");
        try (SystemHeap heap = heap("netty-args")) {
            ZeroheapByteBufAllocator alloc = new ZeroheapByteBufAllocator(heap);
            assertThatThrownBy(() -> alloc.directBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.directBuffer(10, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.heapBuffer(10, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThat(alloc.directBuffer(0, 0).capacity()).as("Netty's shared empty buffer").isZero();
            ByteBuf empty = alloc.directBuffer(0, 10);
            assertThat(empty.capacity()).isZero();
            empty.writeByte(1);
            assertThat(empty.getByte(0)).isOne();
            empty.release();
            assertThat(alloc.metric().usedDirectMemory()).isZero();
            assertThat(heap.stats().allocatedBytes()).isZero();
            assertThat(alloc.toString()).contains("netty-args", "usedDirectMemory=0");
        }
    }

    @Test
    void aClosedHeapShouldRefuseDirectBuffersAndCountNothing() {
        SystemHeap heap = heap("netty-closed");
        ZeroheapByteBufAllocator alloc = new ZeroheapByteBufAllocator(heap);
        heap.close();
        assertThatThrownBy(() -> alloc.directBuffer(10)).isInstanceOf(IllegalStateException.class);
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    /**
     * A ByteBuf dropped unreleased is Netty's to report, never zeroheap's, even where zeroheap
     * tracks every buffer: a HeapBuffer dropped alongside it (tracked) shows that zeroheap's
     * detection ran meanwhile and found only that one.
     */
    @Test
    void aLeakedByteBufShouldBeReportedByNettyOnlyEvenWhenTheHeapTracksEveryBuffer() throws Exception {
        List<LogRecord> nettyReports = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(ResourceLeakDetector.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue() && record.getMessage().contains("LEAK")
                        && record.getMessage().contains("leakByteBuf")) { // this test's, by its allocation site
                    nettyReports.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try (SystemHeap heap = SystemHeap.builder().name("netty-leak").register(false)
                .leakDetection(LeakDetection.ALL).build()) {
            ZeroheapByteBufAllocator alloc = new ZeroheapByteBufAllocator(heap);
            leakByteBuf(alloc);
            leakHeapBuffer(heap);
            gcUntil(() -> {
                alloc.directBuffer(8).release(); // Netty reports leaks when it tracks the next buffer
                return !nettyReports.isEmpty() && heap.stats().leakedBuffers() == 1;
            });
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(nettyReports).hasSize(1);
            assertThat(nettyReports.getFirst().getMessage()).contains("ByteBuf.release() was not called");
            assertThat(heap.stats().leakedBuffers()).as("only the plain HeapBuffer").isOne();
            assertThat(heap.stats().leakedBytes()).isEqualTo(8192);
            assertThat(alloc.metric().usedDirectMemory()).as("a leaked ByteBuf keeps its memory").isEqualTo(4096);
        } finally {
            ResourceLeakDetector.setLevel(before);
            logger.removeHandler(handler);
            logger.setUseParentHandlers(true);
        }
    }

    private static void leakByteBuf(ZeroheapByteBufAllocator alloc) {
        alloc.directBuffer(4096).writeLong(1);
    }

    private static void leakHeapBuffer(SystemHeap heap) {
        HeapBuffer dropped = heap.allocate(8192);
        dropped.segment().fill((byte) 1);
    }

    private static void gcUntil(BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - start).as("found within 10 s").isLessThan(TIMEOUT_NANOS);
            System.gc();
            Thread.sleep(20); // give the reaper threads a moment; the loop re-checks
        }
    }
}
