package io.zeroheap.bench;

import io.zeroheap.HeapBuffer;
import io.zeroheap.HeapEvents;
import io.zeroheap.LeakDetection;
import io.zeroheap.SystemHeap;
import jdk.jfr.Recording;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * What each instrument costs on allocate-touch-close: zeroheap's JFR events (off, or on with
 * the shipped {@code zeroheap.jfc} settings in a recording started at setup) and leak
 * detection ({@code OFF}, {@code SAMPLED}, {@code ALL}). One operation is one allocation of
 * {@code size} bytes, one {@code long} written per 4 KiB page, and its close; the score is
 * nanoseconds per operation. Compare each row with its {@code jfr=off, leak=OFF} sibling.
 *
 * <p>Regime as {@code AllocateBenchmark}'s burst: one invocation allocates-touches-closes
 * {@value #BURST} buffers one after the other, and the heap is
 * {@linkplain SystemHeap#drain() drained} untimed before each burst, so the pools are warm:
 * the allocation fast path, where any per-allocation cost shows most.
 *
 * <ul>
 *   <li>{@code arena}: {@code heap.newArena()}, {@code allocate(size, 4096)}, {@code close()}.
 *       A tracked arena registers a tracker on its scope, with its allocation stack trace, and
 *       unregisters it on close.</li>
 *   <li>{@code buffer}: {@code heap.allocate(size)}, {@code segment()}, {@code close()}. A
 *       tracked buffer registers a tracker, with its allocation stack trace, and unregisters it
 *       on its last close.</li>
 * </ul>
 * {@code SAMPLED} tracks one allocation in 128 (every other one costs a random draw),
 * {@code ALL} every one.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar zeroheap-bench/target/benchmarks.jar
 * InstrumentationBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s} (2 methods x 2 sizes x 2 x 3 = 24 forks);
 * for firmer 4 KiB leak-detection rows add {@code -p size=4096 -p jfr=off -f 2 -wi 3 -i 6}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class InstrumentationBenchmark {

    /** Buffers allocated and closed, one after the other, per invocation. */
    static final int BURST = 16;
    private static final int PAGE = 4096;

    /** Bytes per allocation. */
    @Param({"4096", "1048576"})
    public int size;

    /** {@code on}: a JFR recording with zeroheap's settings runs during the trial. */
    @Param({"off", "on"})
    public String jfr;

    /** The heap's leak detection level. */
    @Param({"OFF", "SAMPLED", "ALL"})
    public String leak;

    private SystemHeap heap;
    private Recording recording;

    /** Builds the heap and, for {@code jfr=on}, starts the recording. */
    @Setup(Level.Trial)
    public void setUp() {
        heap = SystemHeap.builder().name("bench-instrumentation").register(false)
                .leakDetection(LeakDetection.parse(leak)).build();
        switch (jfr) {
            case "off" -> recording = null;
            case "on" -> {
                recording = new Recording(HeapEvents.configuration());
                recording.setToDisk(true);
                recording.start();
            }
            default -> throw new IllegalArgumentException("jfr: " + jfr + " (expected: off or on)");
        }
    }

    /** Drains the heap before each burst, untimed: its worker had idle time. */
    @Setup(Level.Invocation)
    public void betweenBursts() {
        heap.drain();
    }

    /** Stops the recording (its file is discarded) and closes the heap. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.close();
        }
        heap.close();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void arena(Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            try (Arena arena = heap.newArena()) {
                MemorySegment segment = arena.allocate(size, PAGE);
                touch(segment);
                bh.consume(segment);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void buffer(Blackhole bh) {
        for (int i = 0; i < BURST; i++) {
            try (HeapBuffer buffer = heap.allocate(size)) {
                MemorySegment segment = buffer.segment();
                touch(segment);
                bh.consume(segment);
            }
        }
    }

    private static void touch(MemorySegment segment) {
        for (long offset = 0; offset < segment.byteSize(); offset += PAGE) {
            segment.set(ValueLayout.JAVA_LONG, offset, offset);
        }
    }
}
