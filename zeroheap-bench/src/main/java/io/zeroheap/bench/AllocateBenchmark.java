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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The seed's microbenchmark ({@code dmabuf_heap_bench}): allocate a buffer, optionally touch
 * it, free it; zeroheap and its peers in the same run. One operation is one
 * allocate-(touch)-free of one buffer of {@code size} bytes; the score is nanoseconds per
 * operation.
 *
 * <p><b>Parameters.</b> {@code size}: 4 KiB to 32 MiB. {@code touch}: {@code true} writes one
 * {@code long} per 4 KiB page after allocation (what a user does, and it dirties every page,
 * so zeroheap's worker really has to zero it); {@code false} writes nothing. Either way the
 * segment or buffer is sunk into a {@link Blackhole} before it is freed.
 *
 * <p><b>Regimes</b> (the method name's prefix):
 * <ul>
 *   <li>{@code burst_*}: one invocation allocates-touches-frees {@value #BURST} buffers one after
 *       the other (so at most one is live), {@code @OperationsPerInvocation(BURST)}. Before each
 *       burst, untimed, the deferred zeroheap heap is {@linkplain SystemHeap#drain() drained}:
 *       its worker had idle time between bursts, so the pools are warm and nothing is pending.
 *       {@value #BURST} for every size keeps memory sane at 32 MiB (16 x 32 MiB = 512 MiB at
 *       most pending) and the per-invocation timestamps under 2 ns per operation; the
 *       per-invocation setup runs for every peer, so they all pay the same timing overhead.
 *       The {@code deferredFree(false)} heap is not drained: its frees belong on the freeing
 *       thread, and draining would move its generation retirements (zeroing and scope
 *       close) out of the timed region.</li>
 *   <li>{@code sustained_*}: one allocate-touch-free per operation in a tight loop, no drain:
 *       zeroheap's nice-19 worker races the allocator (on this 2-core VM it shares a core with
 *       JMH's own threads), and the heap helps itself or maps fresh memory when the pools run
 *       dry.</li>
 * </ul>
 *
 * <p><b>Peers</b> (sibling methods; the suffix of each name):
 * <ul>
 *   <li>{@code floorPoolPop}: the floor. A plain {@link ArrayDeque} of {@value #BURST}
 *       segments, pre-zeroed once at setup: take the oldest, touch, put it back at the end; no
 *       zeroing and no accounting. Touched segments stay dirty, so this is not a zeroing
 *       allocator; it is what touching pages of recycled memory costs by itself.</li>
 *   <li>{@code floorZeroedElsewhere} (burst only): the same pool, re-zeroed before every burst
 *       (untimed) by a second thread, as a worker would: the floor of any design that zeroes
 *       off the allocating thread, since the burst then writes cache lines another core wrote
 *       last.</li>
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
 * generation page-faults its fresh pages (about 10 µs each here), and in the burst regime, whose
 * drains allocate little, that pass lasts the whole run: every peer that allocates Java objects
 * per operation (zeroheap's arena and buffer objects, the JDK's arenas, direct buffers) paid
 * 0.1-0.6 µs per operation for it, which a service past its first collections never pays.
 *
 * <p><b>Memory held</b> ({@code reservedMiB}, zeroheap methods only): the high-water mark of
 * {@link io.zeroheap.HeapStats#reservedBytes()} (bytes held from the OS, both heaps of the
 * trial summed; the one a method does not use holds nothing) over the measurement iterations,
 * in MiB (in the summary table and the JSON; the per-fork "Secondary result" line shows the
 * mean of the per-iteration rises instead). It is sampled at each iteration's end and, in the
 * burst regime, after every burst before the drain (the peak); in the sustained regime a peak
 * within an iteration can go unseen, so there it is a lower bound. JMH sums {@code EVENTS}
 * counters over iterations, so each iteration reports how much it raised the mark and the sum
 * is the mark (a non-zero share in a later iteration means the heap was still growing); ignore
 * its error column. One buffer is live at a time, so the working set is one chunk of
 * {@code size} bytes, rounded up to its size class.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar zeroheap-bench/target/benchmarks.jar
 * AllocateBenchmark} (all of it: 2 regimes x 10 peers x 5 sizes x 2 touch = 200 forks of about
 * 10 s each); a subset with, e.g., {@code 'AllocateBenchmark.sustained_' -p size=4096,1048576
 * -p touch=true}. {@code -p size} also takes sizes off the class edges, e.g. 4095,4097.
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
    static final int BURST = 16;

    /** The stride of the touch, and the alignment every segment is asked for. */
    static final int PAGE = 4096;

    /** Bytes per buffer. */
    @Param({"4096", "65536", "1048576", "8388608", "33554432"})
    public int size;

    /** Whether to write one {@code long} per 4 KiB page after allocation. */
    @Param({"true", "false"})
    public boolean touch;

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

    // ---- burst: BURST buffers per invocation, the deferred heap drained between bursts ----

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_floorPoolPop(Burst burst, Floor floor, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            floorPoolPop(floor, bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_floorZeroedElsewhere(ZeroedElsewhereFloor floor, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            floorPoolPop(floor, bh);
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
            confinedArena(bh);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst_sharedArena(Burst burst, Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            sharedArena(bh);
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

    // ---- sustained: one buffer per operation, back to back, no drain ----

    @Benchmark
    public void sustained_floorPoolPop(Floor floor, Blackhole bh) {
        floorPoolPop(floor, bh);
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
        confinedArena(bh);
    }

    @Benchmark
    public void sustained_sharedArena(Blackhole bh) {
        sharedArena(bh);
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

    // ---- one allocate-touch-free per peer ----

    private void floorPoolPop(Floor floor, Blackhole bh) {
        MemorySegment segment = floor.pool.pollFirst();
        use(segment, bh);
        floor.pool.addLast(segment);
    }

    private void heapArena(Heap from, Blackhole bh) {
        try (Arena arena = from.newArena()) {
            use(arena.allocate(size, PAGE), bh);
        }
    }

    private void heapBuffer(Heap from, Blackhole bh) {
        HeapBuffer buffer = from.allocate(size);
        use(buffer.segment(), bh);
        buffer.close();
    }

    private void confinedArena(Blackhole bh) {
        try (Arena arena = Arena.ofConfined()) {
            use(arena.allocate(size, PAGE), bh);
        }
    }

    private void sharedArena(Blackhole bh) {
        try (Arena arena = Arena.ofShared()) {
            use(arena.allocate(size, PAGE), bh);
        }
    }

    private void allocateDirect(Blackhole bh) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(size);
        if (touch) {
            for (int offset = 0; offset <= size - Long.BYTES; offset += PAGE) {
                buffer.putLong(offset, offset + 1L);
            }
        }
        bh.consume(buffer);
    }

    private void nettyPooled(boolean zero, Blackhole bh) {
        ByteBuf buffer = netty.directBuffer(size, size);
        try {
            if (zero) {
                buffer.setZero(0, size);
            }
            if (touch) {
                for (int offset = 0; offset <= size - Long.BYTES; offset += PAGE) {
                    buffer.setLong(offset, offset + 1L);
                }
            }
            bh.consume(buffer);
        } finally {
            buffer.release();
        }
    }

    private void use(MemorySegment segment, Blackhole bh) {
        if (touch) {
            long last = segment.byteSize() - Long.BYTES;
            for (long offset = 0; offset <= last; offset += PAGE) {
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset + 1);
            }
        }
        bh.consume(segment);
    }

    /** Bytes both heaps hold from the OS now; updates the high-water mark. */
    private void sampleReserved() {
        long reserved = heap.stats().reservedBytes() + syncHeap.stats().reservedBytes();
        maxReservedBytes = Math.max(maxReservedBytes, reserved);
    }

    /**
     * The burst regime's pause between bursts (untimed): samples memory held at its peak, then
     * lets the deferred heap's worker finish (see the class note for why the synchronous heap
     * is left alone).
     */
    @State(Scope.Thread)
    public static class Burst {
        @Setup(Level.Invocation)
        public void betweenBursts(AllocateBenchmark benchmark) {
            benchmark.sampleReserved();
            benchmark.heap.drain();
        }
    }

    /**
     * The floor's pool: {@value #BURST} segments, zeroed once (by the JDK) at setup, used
     * first-in first-out so that consecutive operations touch different memory, as they do
     * with any pool whose chunks must be zeroed before reuse (LIFO would touch one cache-hot
     * segment over and over).
     */
    @State(Scope.Thread)
    public static class Floor {
        final ArrayDeque<MemorySegment> pool = new ArrayDeque<>();
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp(AllocateBenchmark benchmark) {
            arena = Arena.ofShared();
            for (int i = 0; i < BURST; i++) {
                pool.addLast(arena.allocate(benchmark.size, PAGE));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.clear();
            arena.close();
        }
    }

    /**
     * The floor of any design that zeroes on another thread: the {@link Floor}'s pool, re-zeroed
     * before every burst (untimed) by a second thread, as zeroheap's worker zeroes its chunks.
     * The burst then writes into cache lines that the other core last wrote: what that costs
     * by itself, with no allocator around it.
     */
    @State(Scope.Thread)
    public static class ZeroedElsewhereFloor extends Floor {
        private final java.util.concurrent.ExecutorService zeroer =
                java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "floor-zeroer"));

        @Setup(Level.Invocation)
        public void zeroOnAnotherThread() throws Exception {
            zeroer.submit(() -> pool.forEach(segment -> segment.fill((byte) 0))).get();
        }

        @TearDown(Level.Trial)
        public void stopZeroer() {
            zeroer.shutdownNow();
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
