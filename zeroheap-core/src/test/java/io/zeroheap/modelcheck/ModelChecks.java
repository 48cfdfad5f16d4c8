package io.zeroheap.modelcheck;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.Options;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the Lincheck model checks of the lock-free protocols and reports what each explored.
 *
 * <p>Each test class calls {@link #invocationStarted} from its constructor: Lincheck creates
 * one instance per invocation, and in model checking mode each invocation is one interleaving
 * of the scenario's threads (its switch points are the shared-memory accesses, CASes, locks and
 * parks). {@link #check} prints, per run, how many there were, and the time, to the test's
 * output (target/surefire-reports/&lt;class&gt;-output.txt).
 *
 * <p>A test that wants to show which branches of a race its interleavings took implements
 * {@link Observing}: the label of each invocation's outcome is tallied and printed with the
 * count. (Lincheck restores static state that analysed code changes after each invocation, so
 * the label is read from the instance itself, when the next one is created or the run ends.)
 *
 * <p>What Lincheck does not check: it runs sequentially consistent interleavings only, so a
 * missing {@code volatile} or a too-weak access mode goes unseen (that is jcstress's ground);
 * and the counts below bound the search: no scenario here is explored exhaustively.
 *
 * <p>Budgets: an interleaving costs 2-10 ms of Lincheck's instrumented code on the project's
 * 2-core machine (more with locks and parks), so the counts are kept small: the checks together
 * add well under a minute to {@code ./test.sh}. Raise them locally to search further.
 */
public final class ModelChecks {

    private static final Map<Class<?>, LongAdder> INVOCATIONS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Object> LAST = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Map<String, Long>> OBSERVED = new ConcurrentHashMap<>();

    /** A test instance that can say, once its invocation is done, which way it went. */
    public interface Observing {
        /** A short label of this invocation's outcome, or null for none. */
        String observation();
    }

    /** What one {@link #check} explored. */
    public record Explored(long invocations, Map<String, Long> observations) {
    }

    private ModelChecks() {
    }

    /** Counts one invocation (one explored interleaving) of {@code test}'s class. */
    public static void invocationStarted(Object test) {
        INVOCATIONS.computeIfAbsent(test.getClass(), c -> new LongAdder()).increment();
        tally(LAST.put(test.getClass(), test));
    }

    private static void tally(Object test) {
        if (test instanceof Observing observing) {
            String label = observing.observation();
            if (label != null) {
                OBSERVED.computeIfAbsent(test.getClass(), c -> new TreeMap<>()).merge(label, 1L, Long::sum);
            }
        }
    }

    /**
     * Runs Lincheck on {@code testClass} with {@code options}, prints what it explored under
     * {@code label}, and returns it: the invocations (interleavings) run, and the tally of
     * their {@link Observing#observation()}s.
     *
     * @throws AssertionError (Lincheck's) with the failing scenario and interleaving
     */
    public static synchronized Explored check(String label, Class<?> testClass, Options<?, ?> options) {
        LongAdder invocations = INVOCATIONS.computeIfAbsent(testClass, c -> new LongAdder());
        invocations.reset();
        LAST.remove(testClass);
        OBSERVED.remove(testClass);
        long start = System.nanoTime();
        options.check(testClass);
        tally(LAST.remove(testClass));
        Explored explored = new Explored(invocations.sum(), Map.copyOf(OBSERVED.getOrDefault(testClass, Map.of())));
        String name = testClass.getName().substring(testClass.getPackageName().length() + 1).replace('$', '.');
        System.out.printf("Lincheck %s.%s: %d invocations in %d ms%s%n", name, label,
                explored.invocations(), (System.nanoTime() - start) / 1_000_000,
                explored.observations().isEmpty() ? "" : ", outcomes " + new TreeMap<>(explored.observations()));
        return explored;
    }

    /** An actor that calls {@code testClass}'s public method {@code name} with {@code arguments}. */
    public static Actor actor(Class<?> testClass, String name, Object... arguments) {
        for (Method method : testClass.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
                return new Actor(method, Arrays.asList(arguments));
            }
        }
        throw new IllegalArgumentException("operation: " + name + "/" + arguments.length
                + " (expected: a public method of " + testClass.getName() + ")");
    }

    /** A scenario: {@code initial} actors, then the threads of {@code parallel} at once, then {@code post}. */
    public static ExecutionScenario scenario(List<Actor> initial, List<List<Actor>> parallel, List<Actor> post) {
        return new ExecutionScenario(initial, parallel, post, null);
    }
}
