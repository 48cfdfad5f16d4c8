package io.zeroheap;

import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Gen;
import org.quicktheories.core.Reporter;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Property runs on QuickTheories, inside plain JUnit {@code @Test} methods:
 * {@code Theories.qt(tries).forAll(...).checkAssert(...)}. Each run draws a fresh seed (or
 * takes the system property {@code QT_SEED}), shrinks a falsified property and fails with the
 * smallest value found, the seed, and the command that replays that run.
 *
 * <p>The range generators here also try the ends of their range about one draw in nine, as the
 * edge cases of the property library used before did, and shrink toward the low end.
 */
@SuppressWarnings("exports") // tests only: QuickTheories is on the class path
public final class Theories {

    /** QuickTheories' own ratio of shrink cycles to examples. */
    private static final int SHRINKS_PER_TRY = 100;

    /** Most generated lists are at most this much longer than their minimum. */
    private static final int SHORT = 12;

    /** One element in this many of a random {@link #lists} list is dropped. */
    private static final int DROP_ONE_IN = 32;

    /** Each end of a range gets this fraction of its width as extra room for edge cases. */
    private static final int EDGE_SHARE = 16;

    private Theories() {
    }

    /** {@code tries} examples, then up to 100 × {@code tries} shrink cycles on a failure. */
    public static QuickTheory qt(int tries) {
        return qt(tries, tries * SHRINKS_PER_TRY, caller());
    }

    /** For properties whose tries are slow: {@code tries} examples, {@code shrinkCycles} shrink cycles. */
    public static QuickTheory qt(int tries, int shrinkCycles) {
        return qt(tries, shrinkCycles, caller());
    }

    private static QuickTheory qt(int tries, int shrinkCycles, String test) {
        return QuickTheory.qt().withExamples(tries).withShrinkCycles(shrinkCycles)
                .withReporter(new ReplayingReporter(test));
    }

    /** Longs in [min, max], shrinking toward min. */
    public static Gen<Long> longs(long min, long max) {
        return longsWithEdges(min, max);
    }

    /** Ints in [min, max], shrinking toward min. */
    public static Gen<Integer> ints(int min, int max) {
        return longsWithEdges(min, max).map(Long::intValue);
    }

    /** Doubles in [min, max], shrinking toward min; about one in nine is min or max. */
    public static Gen<Double> doubles(double min, double max) {
        double edge = (max - min) / EDGE_SHARE;
        return SourceDSL.doubles().between(min - edge, max + edge).map(d -> Math.clamp(d, min, max));
    }

    /**
     * Sizes of lists and arrays in [min, max], mostly short as the library used before drew them:
     * 88% up to min + 12, 10% above, 2% exactly max. One draw, mapped monotonically, so a size
     * shrinks step by step toward min.
     */
    public static Gen<Integer> sizes(int min, int max) {
        int cutoff = min + SHORT;
        if (cutoff >= max) {
            return ints(min, max);
        }
        return Generate.range(0, 999, 0).map(u -> {
            if (u < 880) {
                return min + u * (cutoff - min + 1) / 880;
            }
            return u < 980 ? cutoff + 1 + (u - 880) * (max - cutoff) / 100 : max;
        });
    }

    /**
     * Lists of {@link #sizes} elements that also shrink by dropping elements anywhere, not only
     * at the end: each element comes with a draw that drops it when it is 0 (it shrinks toward
     * 0; one random element in 32 is dropped, never below {@code minSize}). The element is drawn
     * whether dropped or not, so dropping one leaves the draws of the others in place.
     */
    public static <T> Gen<List<T>> lists(Gen<T> elements, int minSize, int maxSize) {
        Gen<Integer> sizes = sizes(minSize, maxSize);
        Gen<Integer> keep = Generate.range(0, DROP_ONE_IN - 1, 0);
        Gen<List<T>> lists = in -> {
            int size = sizes.generate(in);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                boolean drop = keep.generate(in) == 0;
                T element = elements.generate(in);
                if (!drop || list.size() + size - 1 - i < minSize) {
                    list.add(element);
                }
            }
            return list;
        };
        return lists.describedAs(list -> list.stream().map(elements::asString)
                .collect(Collectors.joining(", ", "[", "]")));
    }

    /**
     * One draw from a range a sixteenth wider at each end than [min, max]: the extra room below
     * maps to min and min + 1, above to max - 1 and max (the edge cases, about one draw in nine),
     * the rest to itself. The draw shrinks toward min, so a value shrinks step by step, and an
     * edge case shrinks into the range.
     */
    private static Gen<Long> longsWithEdges(long min, long max) {
        long extra = (max - min) / EDGE_SHARE + 2;
        return Generate.longRange(min - extra, max + extra, min).map(u -> {
            if (u < min) {
                return u < min - extra / 2 ? min : Math.min(min + 1, max);
            }
            if (u > max) {
                return u <= max + extra / 2 ? Math.max(max - 1, min) : max;
            }
            return u;
        });
    }

    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames.skip(2).findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "#" + f.getMethodName())
                .orElse("?"));
    }

    /** Fails like QuickTheories' own reporter, with the cause attached and a replay command. */
    private record ReplayingReporter(String test) implements Reporter {

        @Override
        public void falisification(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                                   AsString<Object> toString) {
            throw failure(seed, count, smallest, cause, examples, toString);
        }

        @Override
        public void falisification(long seed, int count, Object smallest, List<Object> examples,
                                   AsString<Object> toString) {
            throw failure(seed, count, smallest, null, examples, toString);
        }

        @Override
        public void valuesExhausted(int completedExamples) {
            throw new IllegalStateException(
                    "Gave up after finding only " + completedExamples + " example(s) matching the assumptions");
        }

        private AssertionError failure(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                                       AsString<Object> toString) {
            String n = System.lineSeparator();
            String smallestText = toString.asString(smallest);
            List<String> distinct = examples.stream().map(toString::asString)
                    .filter(text -> !text.equals(smallestText)).distinct().toList();
            String others = String.join(n + "  ", distinct.subList(0, Math.min(distinct.size(), 3)));
            String message = "Property falsified after " + count + " example(s), seed " + seed + n
                    + "Smallest falsifying value(s):" + n + "  " + smallestText + n
                    + (cause == null ? "" : "Failure (in full below, as the cause): " + firstLines(cause) + n)
                    + (distinct.isEmpty() ? "" : "Falsifying value(s) it shrank from (latest first, up to 3):" + n
                    + "  " + others + n)
                    + "Replay this run: ./test.sh -pl zeroheap-core -Dtest='" + test + "' -DQT_SEED=" + seed;
            return new AssertionError(message, cause);
        }

        private static String firstLines(Throwable cause) {
            List<String> lines = cause.toString().lines().filter(line -> !line.isBlank()).toList();
            String n = System.lineSeparator();
            return String.join(n + "  ", lines.subList(0, Math.min(lines.size(), 4)))
                    + (lines.size() > 4 ? " …" : "");
        }
    }
}
