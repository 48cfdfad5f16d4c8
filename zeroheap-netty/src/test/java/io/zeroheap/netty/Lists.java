package io.zeroheap.netty;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Lists for QuickTheories that shrink by dropping elements anywhere, not only at the end (as
 * zeroheap-core's {@code Theories.lists}): each element comes with a draw that drops it when it
 * is 0, which shrinks toward 0, and is drawn whether dropped or not, so dropping one leaves the
 * draws of the others in place.
 */
final class Lists {

    /** One element in this many of a random list is dropped. */
    private static final int DROP_ONE_IN = 32;

    private Lists() {
    }

    /** Lists of {@code minSize} to {@code maxSize} elements. */
    static <T> Gen<List<T>> of(Gen<T> elements, int minSize, int maxSize) {
        Gen<Integer> sizes = SourceDSL.integers().between(minSize, maxSize);
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
}
