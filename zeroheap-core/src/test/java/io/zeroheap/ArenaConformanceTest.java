package io.zeroheap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A heap arena behaves as the JDK's arena of the same kind: each scenario runs on both, and
 * what it returns, or the exception type it throws, must be the same. The scenarios follow the
 * promises of {@code Arena}, {@code SegmentAllocator} and {@code MemorySegment}'s Javadoc.
 */
class ArenaConformanceTest {

    private static SystemHeap heap;

    @BeforeAll
    static void buildHeap() {
        heap = SystemHeap.builder().name("conformance").register(false).build();
    }

    @AfterAll
    static void closeHeap() {
        heap.close();
    }

    /** One scenario: what it does with a fresh arena; its outcome is compared. */
    record Scenario(String name, Function<Arena, Object> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> scenarios() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("allocate(-1)", a -> a.allocate(-1)));
        all.add(new Scenario("allocate(8, 0)", a -> a.allocate(8, 0)));
        all.add(new Scenario("allocate(8, -8)", a -> a.allocate(8, -8)));
        all.add(new Scenario("allocate(8, 3)", a -> a.allocate(8, 3)));
        all.add(new Scenario("allocate(-1, 3): the size is checked first", a -> a.allocate(-1, 3)));
        all.add(new Scenario("allocate(Long.MAX_VALUE)", a -> a.allocate(Long.MAX_VALUE)));
        all.add(new Scenario("allocate(0) has size 0", a -> a.allocate(0).byteSize()));
        all.add(new Scenario("allocate(100, 64): aligned, sized, zero", a -> {
            MemorySegment s = a.allocate(100, 64);
            return List.of(s.address() % 64, s.byteSize(), s.mismatch(MemorySegment.ofArray(new byte[100])));
        }));
        all.add(new Scenario("allocate(layout) honours its alignment", a -> a.allocate(ValueLayout.JAVA_LONG).address() % 8));
        all.add(new Scenario("allocate(layout, count) overflow", a -> a.allocate(ValueLayout.JAVA_LONG, Long.MAX_VALUE / 4)));
        all.add(new Scenario("allocate(layout, -1)", a -> a.allocate(ValueLayout.JAVA_INT, -1)));
        all.add(new Scenario("allocateFrom(String) is NUL-terminated", a -> {
            MemorySegment s = a.allocateFrom("zeroheap");
            return List.of(s.byteSize(), s.getString(0));
        }));
        all.add(new Scenario("allocateFrom(JAVA_INT, values)", a -> a.allocateFrom(ValueLayout.JAVA_INT, 1, 2, 3)
                .toArray(ValueLayout.JAVA_INT).length));
        all.add(new Scenario("allocate(struct layout)", a -> a.allocate(MemoryLayout.structLayout(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT)).byteSize()));
        all.add(new Scenario("scope is alive, then not", a -> {
            MemorySegment s = a.allocate(16);
            boolean before = a.scope().isAlive() && s.scope().isAlive() && s.scope().equals(a.scope());
            a.close();
            return List.of(before, a.scope().isAlive(), s.scope().isAlive());
        }));
        all.add(new Scenario("access after close", a -> {
            MemorySegment s = a.allocate(16);
            a.close();
            return s.get(ValueLayout.JAVA_BYTE, 0);
        }));
        all.add(new Scenario("allocate after close", a -> {
            a.close();
            return a.allocate(16);
        }));
        all.add(new Scenario("bad arguments after close: the arguments first", a -> {
            a.close();
            return a.allocate(-1);
        }));
        all.add(new Scenario("close twice", a -> {
            a.close();
            a.close();
            return null;
        }));
        all.add(new Scenario("cleanup actions run once each, at close", a -> {
            // In no order the Javadoc promises: the JDK runs the first action registered on a
            // scope first when nothing else registered one, so a heap arena (whose segments
            // need none) runs [1, 3, 2] where a JDK arena, whose own allocations register the
            // first, runs [3, 2, 1].
            List<Integer> ran = new ArrayList<>();
            MemorySegment s = a.allocate(16);
            reinterpretWithCleanup(s, a, () -> ran.add(1));
            reinterpretWithCleanup(s, a, () -> ran.add(2));
            reinterpretWithCleanup(s, a, () -> ran.add(3));
            boolean noneBefore = ran.isEmpty();
            a.close();
            return List.of(noneBefore, new java.util.TreeSet<>(ran), ran.size());
        }));
        all.add(new Scenario("allocate on another thread", a -> onAnotherThread(() -> a.allocate(16).byteSize())));
        all.add(new Scenario("close on another thread", a -> onAnotherThread(() -> {
            a.close();
            return a.scope().isAlive();
        })));
        all.add(new Scenario("access on another thread", a -> {
            MemorySegment s = a.allocate(16);
            return onAnotherThread(() -> s.get(ValueLayout.JAVA_BYTE, 0));
        }));
        all.add(new Scenario("asSlice and fill within bounds, out of bounds throws", a -> {
            MemorySegment s = a.allocate(64);
            s.asSlice(8, 8).fill((byte) 1);
            return List.of(s.get(ValueLayout.JAVA_BYTE, 8), s.get(ValueLayout.JAVA_BYTE, 16),
                    outcome(() -> s.get(ValueLayout.JAVA_BYTE, 64)));
        }));
        Stream.Builder<Arguments> arguments = Stream.builder();
        for (Scenario scenario : all) {
            arguments.add(Arguments.of(scenario, false));
            arguments.add(Arguments.of(scenario, true));
        }
        return arguments.build();
    }

    @ParameterizedTest(name = "{0}, shared {1}")
    @MethodSource("scenarios")
    void aHeapArenaShouldDoWhatTheJdksArenaOfTheSameKindDoes(Scenario scenario, boolean shared) {
        Object jdk = run(scenario, shared ? Arena.ofShared() : Arena.ofConfined());
        Object ours = run(scenario, shared ? heap.newSharedArena() : heap.newArena());

        assertThat(ours).as("%s on a heap arena (the JDK's: %s)", scenario, jdk).isEqualTo(jdk);
    }

    /** The scenario's result, or the type of what it threw; the arena is closed after. */
    private static Object run(Scenario scenario, Arena arena) {
        Object outcome = outcome(() -> scenario.run().apply(arena));
        if (arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (WrongThreadException | IllegalStateException e) {
                // closed by the scenario's other thread meanwhile: nothing left to close
            }
        }
        return outcome;
    }

    private static Object outcome(Supplier<Object> action) {
        try {
            Object result = action.get();
            return result instanceof MemorySegment segment ? "segment of " + segment.byteSize() : result;
        } catch (RuntimeException | OutOfMemoryError e) {
            Throwable t = e;
            while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
                t = t.getCause();
            }
            return t instanceof OutOfMemoryError ? OutOfMemoryError.class : t.getClass();
        }
    }

    private static Object onAnotherThread(Supplier<Object> action) {
        return CompletableFuture.supplyAsync(action, r -> Thread.ofPlatform().start(r)).join();
    }

    @SuppressWarnings("restricted") // a cleanup action on the arena's own segment, as a user registers it
    private static void reinterpretWithCleanup(MemorySegment segment, Arena arena, Runnable cleanup) {
        segment.reinterpret(segment.byteSize(), arena, ignored -> cleanup.run());
    }
}
