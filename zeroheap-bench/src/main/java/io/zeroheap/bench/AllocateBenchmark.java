package io.zeroheap.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.zeroheap.Heap;
import io.zeroheap.HeapBuffer;
import io.zeroheap.Reclaimer;
import io.zeroheap.SystemHeap;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The seed's microbenchmark ({@code dmabuf_heap_bench}) with the buffer really used: allocate a
 * buffer, use it, free it; zeroheap, its peers and the physical floors in the same run. One
 * operation is one allocate-use-free of one buffer of {@code size} bytes; the score is
 * nanoseconds per operation.
 *
 * <p><b>Parameters.</b> {@code size}: 4 KiB to 32 MiB. {@code use} ({@link BufferUse}, the same
 * work for every peer, on a {@code MemorySegment} over the buffer; {@code MemorySegment.ofBuffer}
 * for direct buffers and Netty's {@code nioBuffer}): {@code none} (nothing written), {@code page}
 * (one {@code long} per 4 KiB page: the old {@code touch=true}), {@code head} (every {@code long}
 * of the first 4 KiB: a socket read into a large buffer), {@code fill} (every byte written, then
 * one byte per 64-byte cache line read and summed). What the use returns is sunk into a
 * {@link Blackhole} before the buffer is freed.
 *
 * <p><b>Regimes</b> (the method name's prefix):
 * <ul>
 *   <li>{@code burst_*}: one invocation allocates-uses-frees {@value #BURST} buffers one after
 *       the other (so at most one is live), {@code @OperationsPerInvocation(BURST)}. Between
 *       bursts, untimed, in a {@code Level.Invocation} setup, the thread idles for
 *       {@code gapMillis} (a parameter of the {@link Burst} state, so only burst methods have it:
 *       0, 2, 20). Nothing is drained and nothing waits for zeroheap's worker: a server's idle
 *       time is what it is, and every peer gets the same gap. The per-invocation setup runs for
 *       every peer, so they all pay the same timing overhead (a few ns per operation). The score
 *       is the mean over the burst, so with a gap it carries the first operation after the idle
 *       time in full (cold caches; on a VM, a halted vCPU woken: 4 KiB confined arenas measured
 *       13 µs per operation at 20 ms gaps here, against a 110 ns median); {@code zeroheap bench}
 *       reports the median and p99 per operation, {@code -bm sample} gives the distribution
 *       per burst.</li>
 *   <li>{@code sustained_*}: one allocate-use-free per operation in a tight loop: zeroheap's
 *       nice-19 worker races the allocator (on this 2-core VM it shares a core with JMH's own
 *       threads), and the heap helps itself or maps fresh memory when the pools run dry.</li>
 *   <li>{@code handover_*}: a {@code @Group} of two threads, {@code *_allocate} (allocate, use,
 *       offer to a bounded queue) and {@code *_free} (take, read one byte per cache line, free):
 *       buffers freed on another thread than the one that allocated them. JMH reports each
 *       method's time per operation; the allocating method's is what an allocating thread pays
 *       per buffer (a full queue makes it wait for the freeing one). Both spin with
 *       {@code Thread.yield()} on an empty or full queue.</li>
 * </ul>
 * With {@code -t 2} every own-buffer method (burst and sustained) runs on two threads at once,
 * sharing the one heap and the one Netty allocator (this state is {@code Scope.Benchmark});
 * the floors' stacks and pools are per thread.
 *
 * <p><b>Peers</b> (sibling methods; the suffix of each name):
 * <ul>
 *   <li>{@code floorStale}: a physical floor, not an allocator. A bare per-thread last-in
 *       first-out stack of segments, reused without zeroing: one buffer is live at a time, so
 *       the thread reuses the one hot segment it freed last, dirty, as Netty's pool hands out
 *       dirty memory. What the use costs on hot memory and nothing else.</li>
 *   <li>{@code floorLocal}: the same stack, each segment zeroed on the freeing thread right
 *       after its use (glibc {@code memset} through a critical downcall), while it is still in
 *       that core's cache: the floor of zeroing on the caller's thread.</li>
 *   <li>{@code floorZeroedElsewhere} (burst only): a per-thread pool of {@value #BURST}
 *       segments, each burst taking them in order; after each burst, untimed, a second thread
 *       zeroes them all (memset) and the gap starts once it is done. The burst then writes cache
 *       lines another core wrote last: the floor of any design that zeroes off the allocating
 *       thread. The floors' segments are {@code mmap}ed, with huge pages from 2 MiB as zeroheap's
 *       large slabs ({@link FloorMemory}).</li>
 *   <li>{@code zeroheapArena}: {@link Heap#newArena()}, {@code allocate(size, 4096)},
 *       {@code close()} (the frees are deferred to the worker).</li>
 *   <li>{@code zeroheapBuffer}: {@link Heap#allocate(long)}, {@link HeapBuffer#segment()},
 *       {@link HeapBuffer#close()} (the chunk waits for its scope generation to retire, then is
 *       deferred).</li>
 *   <li>{@code zeroheapSyncArena}, {@code zeroheapSyncBuffer}: the same on a second heap built
 *       with {@code deferredFree(false)}: the seed's "before", zeroing on the freeing thread.</li>
 *   <li>{@code confinedArena}, {@code sharedArena}: {@link Arena#ofConfined()} /
 *       {@link Arena#ofShared()}, {@code allocate(size, 4096)} (malloc and zeroing), close
 *       (free; for the shared arena, after the JDK's thread-local handshake).</li>
 *   <li>{@code allocateDirect}: {@link ByteBuffer#allocateDirect(int)} (zeroed). Never freed
 *       explicitly: its memory goes back only when the GC finds the buffer unreachable and its
 *       cleaner runs, and when direct memory reaches {@code -XX:MaxDirectMemorySize} (1 GiB
 *       here) the allocating thread triggers {@code System.gc()} and waits. That cost, paid
 *       in bursts, is part of the score.</li>
 *   <li>{@code nettyPooledStale}: Netty 4.2 {@link PooledByteBufAllocator} direct buffers
 *       ({@code directBuffer(size, size)}, {@code release()}) with the allocator's defaults: on
 *       JDK 25 without {@code sun.misc.Unsafe} ({@code ByteBuffer}-backed), and without a
 *       thread-local cache on JMH's threads ({@code useCacheForAllThreads=false} in 4.2, so
 *       every allocation goes to a shared pool arena under its lock). Its memory is
 *       <em>not</em> zeroed: a buffer can hold the previous user's bytes. Above its chunk size
 *       (4 MiB by default) Netty does not pool: 8 and 32 MiB are allocated and freed each
 *       time.</li>
 *   <li>{@code nettyPooledZeroed}: the same plus {@code setZero(0, size)}: what a user of
 *       Netty pays for the guarantee zeroheap gives.</li>
 * </ul>
 * Heaps are built with the library's defaults (pool cap 32 MiB per size class, so at 32 MiB one
 * chunk is pooled and the rest of a burst maps fresh memory) and {@code register(false)}.
 *
 * <p><b>JVM</b>: {@code -XX:+AlwaysPreTouch}. Without it the first pass through the young
 * generation page-faults its fresh pages (about 10 µs each here), and every peer that allocates
 * Java objects per operation (zeroheap's arena and buffer objects, the JDK's arenas, direct
 * buffers, segments over Netty's buffers) would pay for it, which a service past its first
 * collections never pays.
 *
 * <p><b>Memory held</b> ({@code reservedMiB}, zeroheap methods only): the high-water mark of
 * {@link io.zeroheap.HeapStats#reservedBytes()} (bytes held from the OS, both heaps of the
 * trial summed; the one a method does not use holds nothing) over the measurement iterations,
 * in MiB (in the summary table and the JSON; the per-fork "Secondary result" line shows the
 * mean of the per-iteration rises instead). It is sampled at each iteration's end and, in the
 * burst regime, after every burst (the peak); in the sustained regime a peak within an
 * iteration can go unseen, so there it is a lower bound. JMH sums {@code EVENTS} counters over
 * iterations, so each iteration reports how much it raised the mark and the sum is the mark (a
 * non-zero share in a later iteration means the heap was still growing); ignore its error
 * column. With {@code -t 2} both threads update the one mark (a benign race: a sample can be
 * lost, never invented).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar zeroheap-bench/target/benchmarks.jar
 * AllocateBenchmark} (all of it: 5 sizes x 4 uses x (12 burst methods x 3 gaps + 11 sustained
 * + 2 hand-over groups) = 980 forks of about 10 s each); a subset with, e.g.,
 * {@code 'AllocateBenchmark.burst_' -p size=65536 -p use=fill -p gapMillis=0,20}.
 * {@code -p size} also takes sizes off the class edges, e.g. 4095,4097.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g", "-XX:MaxDirectMemorySize=1g",
        "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@State(Scope.Benchmark) // not Thread: JMH would give Burst and Held instances of their own
public class AllocateBenchmark {

    /** Buffers allocated and freed, one after the other, per burst-regime invocation. */
    static final int BURST = 8;

    /** The alignment every segment is asked for. */
    static final int PAGE = 4096;

    /** Bytes per buffer. */
    @Param({"4096", "65536", "1048576", "8388608", "33554432"})
    public int size;

    /** What each operation does with its buffer: none, page, head or fill ({@link BufferUse}). */
    @Param({"none", "page", "head", "fill"})
    public String use;

    /** The zeroheap heaps' pool cap per size class, in MiB (the library default is 32). */
    @Param({"32"})
    public int poolCapMiB;

    /**
     * Whether the heaps run with the library's pressure monitors (the process reclaimer's PSI
     * trigger and watermark readings, and idle decay); false gives them a reclaimer with both
     * off and no decay, to measure what the monitors cost.
     */
    @Param({"true"})
    public boolean monitors;

    /**
     * How long the deferred heap's idle worker lingers before it parks, in ms (the library
     * default is 5; 0 parks at once, so the first free of each burst pays to wake it).
     */
    @Param({"5"})
    public int workerLingerMillis;

    private BufferUse work;
    private Reclaimer quietReclaimer;

    private SystemHeap heap;
    private SystemHeap syncHeap;
    private PooledByteBufAllocator netty;
    private long maxReservedBytes;

    /** Builds both heaps and the Netty allocator. */
    @Setup(Level.Trial)
    public void setUp() {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 1)");
        }
        work = BufferUse.of(use);
        SystemHeap.Builder deferred = SystemHeap.builder().name("bench-deferred").register(false)
                .poolCapBytes((long) poolCapMiB << 20)
                .workerLinger(java.time.Duration.ofMillis(workerLingerMillis));
        SystemHeap.Builder sync = SystemHeap.builder().name("bench-sync").deferredFree(false).register(false)
                .poolCapBytes((long) poolCapMiB << 20);
        if (!monitors) {
            quietReclaimer = Reclaimer.builder().psi(false).watermarks(false).threadName("bench-quiet").build();
            for (SystemHeap.Builder builder : new SystemHeap.Builder[] {deferred, sync}) {
                builder.reclaimer(quietReclaimer).idleDecay(java.time.Duration.ZERO);
            }
        }
        heap = deferred.build();
        syncHeap = sync.build();
        netty = new PooledByteBufAllocator(true);
    }

    /** Closes both heaps. */
    @TearDown(Level.Trial)
    public void tearDown() {
        heap.close();
        syncHeap.close();
        if (quietReclaimer != null) {
            quietReclaimer.close();
        }
    }

    // ---- burst: BURST buffers per invocation, an idle gap of gapMillis between bursts ----

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_floorStale(Burst burst, FloorStack floor, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            floorStack(floor, false, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_floorLocal(Burst burst, FloorStack floor, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            floorStack(floor, true, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_floorZeroedElsewhere(Burst burst, ZeroedElsewhereFloor floor, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            bh.consume(work.apply(floor.pool[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_zeroheapArena(Burst burst, Held held, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            heapArena(heap, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_zeroheapBuffer(Burst burst, Held held, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            heapBuffer(heap, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_zeroheapSyncArena(Burst burst, Held held, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            heapArena(syncHeap, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_zeroheapSyncBuffer(Burst burst, Held held, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            heapBuffer(syncHeap, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_confinedArena(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            jdkArena(Arena.ofConfined(), bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_sharedArena(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            jdkArena(Arena.ofShared(), bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_allocateDirect(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            allocateDirect(bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_nettyPooledStale(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            nettyPooled(false, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_nettyPooledZeroed(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            nettyPooled(true, bh);
        }
    }

    // ---- sustained: one buffer per operation, back to back ----

    @Benchmark
    public void sustained_floorStale(FloorStack floor, Blackhole bh) {
        floorStack(floor, false, bh);
    }

    @Benchmark
    public void sustained_floorLocal(FloorStack floor, Blackhole bh) {
        floorStack(floor, true, bh);
    }

    @Benchmark
    public void sustained_zeroheapArena(Held held, Blackhole bh) {
        heapArena(heap, bh);
    }

    @Benchmark
    public void sustained_zeroheapBuffer(Held held, Blackhole bh) {
        heapBuffer(heap, bh);
    }

    @Benchmark
    public void sustained_zeroheapSyncArena(Held held, Blackhole bh) {
        heapArena(syncHeap, bh);
    }

    @Benchmark
    public void sustained_zeroheapSyncBuffer(Held held, Blackhole bh) {
        heapBuffer(syncHeap, bh);
    }

    @Benchmark
    public void sustained_confinedArena(Blackhole bh) {
        jdkArena(Arena.ofConfined(), bh);
    }

    @Benchmark
    public void sustained_sharedArena(Blackhole bh) {
        jdkArena(Arena.ofShared(), bh);
    }

    @Benchmark
    public void sustained_allocateDirect(Blackhole bh) {
        allocateDirect(bh);
    }

    @Benchmark
    public void sustained_nettyPooledStale(Blackhole bh) {
        nettyPooled(false, bh);
    }

    @Benchmark
    public void sustained_nettyPooledZeroed(Blackhole bh) {
        nettyPooled(true, bh);
    }

    // ---- hand-over: allocate and use on one thread, read and free on a second ----

    @Benchmark
    @Group("handover_zeroheapBuffer")
    @GroupThreads(1)
    public void handover_zeroheapBuffer_allocate(HandOver handOver, Held held, Control control, Blackhole bh) {
        HeapBuffer buffer = heap.allocate(size);
        bh.consume(work.apply(buffer.segment()));
        if (!handOver.offer(buffer, control)) {
            buffer.close();
        }
    }

    @Benchmark
    @Group("handover_zeroheapBuffer")
    @GroupThreads(1)
    public long handover_zeroheapBuffer_free(HandOver handOver, Control control) {
        if (!(handOver.take(control) instanceof HeapBuffer buffer)) {
            return 0;
        }
        long sum = BufferUse.readLines(buffer.segment());
        buffer.close();
        return sum;
    }

    @Benchmark
    @Group("handover_nettyPooledZeroed")
    @GroupThreads(1)
    public void handover_nettyPooledZeroed_allocate(HandOver handOver, Control control, Blackhole bh) {
        ByteBuf buffer = netty.directBuffer(size, size);
        buffer.setZero(0, size);
        bh.consume(work.apply(MemorySegment.ofBuffer(buffer.nioBuffer(0, size))));
        if (!handOver.offer(buffer, control)) {
            buffer.release();
        }
    }

    @Benchmark
    @Group("handover_nettyPooledZeroed")
    @GroupThreads(1)
    public long handover_nettyPooledZeroed_free(HandOver handOver, Control control) {
        if (!(handOver.take(control) instanceof ByteBuf buffer)) {
            return 0;
        }
        long sum = BufferUse.readLines(MemorySegment.ofBuffer(buffer.nioBuffer(0, size)));
        buffer.release();
        return sum;
    }

    // ---- one allocate-use-free per peer ----

    private void floorStack(FloorStack floor, boolean zeroOnFree, Blackhole bh) {
        MemorySegment segment = floor.stack.pop();
        bh.consume(work.apply(segment));
        if (zeroOnFree) {
            FloorMemory.zero(segment);
        }
        floor.stack.push(segment);
    }

    private void heapArena(Heap from, Blackhole bh) {
        try (Arena arena = from.newArena()) {
            bh.consume(work.apply(arena.allocate(size, PAGE)));
        }
    }

    private void heapBuffer(Heap from, Blackhole bh) {
        HeapBuffer buffer = from.allocate(size);
        bh.consume(work.apply(buffer.segment()));
        buffer.close();
    }

    private void jdkArena(Arena arena, Blackhole bh) {
        try (arena) {
            bh.consume(work.apply(arena.allocate(size, PAGE)));
        }
    }

    private void allocateDirect(Blackhole bh) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(size);
        bh.consume(work.apply(MemorySegment.ofBuffer(buffer)));
        bh.consume(buffer);
    }

    private void nettyPooled(boolean zero, Blackhole bh) {
        ByteBuf buffer = netty.directBuffer(size, size);
        try {
            if (zero) {
                buffer.setZero(0, size);
            }
            bh.consume(work.apply(MemorySegment.ofBuffer(buffer.nioBuffer(0, size))));
        } finally {
            buffer.release();
        }
    }

    /** Bytes both heaps hold from the OS now; updates the high-water mark. */
    private void sampleReserved() {
        long reserved = heap.stats().reservedBytes() + syncHeap.stats().reservedBytes();
        maxReservedBytes = Math.max(maxReservedBytes, reserved);
    }

    /**
     * The burst regime's gap between bursts (untimed): samples memory held at its peak, runs
     * what a floor does between bursts (the zeroer thread of {@link ZeroedElsewhereFloor}), then
     * idles for {@code gapMillis}. Nothing is drained.
     */
    @State(Scope.Thread)
    public static class Burst {

        /** Idle time after each burst, in milliseconds. */
        @Param({"0", "2", "20"})
        public int gapMillis;

        /** Work that belongs in the gap before the idle time; set by a floor's trial setup, else null. */
        Runnable beforeGap;

        /** Before each burst (so after the previous one): sample, the floor's work, then the idle gap. */
        @Setup(Level.Invocation)
        public void betweenBursts(AllocateBenchmark benchmark) {
            benchmark.sampleReserved();
            if (beforeGap != null) {
                beforeGap.run();
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gapMillis);
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }

    /** Memory held by the heaps: see {@code reservedMiB} in the class note. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Held {
        /** How much this iteration raised the high-water mark of bytes held, in MiB. */
        public double reservedMiB;

        private boolean measuring;
        private long reportedBytes;

        /** Starts the high-water mark afresh with the first measurement iteration. */
        @Setup(Level.Iteration)
        public void startIteration(AllocateBenchmark benchmark, IterationParams iteration) {
            if (iteration.getType() == IterationType.MEASUREMENT && !measuring) {
                measuring = true;
                benchmark.maxReservedBytes = 0;
            }
        }

        /** Samples memory held and reports the mark's rise (JMH zeroes the counter per iteration). */
        @TearDown(Level.Iteration)
        public void endIteration(AllocateBenchmark benchmark) {
            benchmark.sampleReserved();
            if (measuring) {
                reservedMiB = (benchmark.maxReservedBytes - reportedBytes) / (double) (1 << 20);
                reportedBytes = benchmark.maxReservedBytes;
            }
        }
    }
}
