package io.zeroheap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShrinkersTest {

    private final Shrinkers shrinkers = new Shrinkers();

    @Test
    void shouldAskCheapestShrinkersFirstThenInRegistrationOrder() {
        FakeShrinker pool1 = new FakeShrinker("pool1", Shrinker.DEFAULT_SEEKS, 10, 1);
        FakeShrinker pending = new FakeShrinker("pending", 0, 10, 1);
        FakeShrinker pool2 = new FakeShrinker("pool2", Shrinker.DEFAULT_SEEKS, 10, 1);
        shrinkers.register(pool1);
        shrinkers.register(pending);
        shrinkers.register(pool2);

        assertThat(shrinkers.shrinkers()).containsExactly(pending, pool1, pool2);
        assertThat(shrinkers.shrink(15)).isEqualTo(15);
        assertThat(pending.pages).isZero();
        assertThat(pool1.asked).containsExactly(5L);
        assertThat(pool1.pages).isEqualTo(5);
        assertThat(pool2.asked).as("target met before pool2").isEmpty();
    }

    @Test
    void shouldCountEveryShrinkersPages() {
        shrinkers.register(new FakeShrinker("a", 0, 7, 1));
        shrinkers.register(new FakeShrinker("b", 2, 5, 1));
        assertThat(shrinkers.count()).isEqualTo(12);
    }

    @Test
    void shouldReturnWhatWasFreedWhenShortAndOvershootByAUnit() {
        shrinkers.register(new FakeShrinker("big-units", 0, 8, 4));
        assertThat(shrinkers.shrink(1)).isEqualTo(4);
        assertThat(shrinkers.shrink(100)).isEqualTo(4);
        assertThat(shrinkers.shrink(100)).isZero();
        assertThat(shrinkers.shrink(0)).isZero();
    }

    @Test
    void shouldStopAskingAShrinkerOnceItsRegistrationIsClosed() {
        FakeShrinker shrinker = new FakeShrinker("s", 0, 10, 1);
        Shrinkers.Registration registration = shrinkers.register(shrinker);
        registration.close();
        registration.close();

        assertThat(shrinkers.shrink(10)).isZero();
        assertThat(shrinker.asked).isEmpty();
        assertThat(shrinkers.shrinkers()).isEmpty();
    }

    @Test
    void shouldSkipAndCountAShrinkerThatThrows() {
        shrinkers.register(new Shrinker() {
            @Override
            public long count() {
                return 1;
            }

            @Override
            public long scan(long nrToScan) {
                throw new IllegalStateException("expected by the test");
            }

            @Override
            public int seeks() {
                return 0;
            }
        });
        FakeShrinker next = new FakeShrinker("next", 1, 3, 1);
        shrinkers.register(next);

        assertThat(shrinkers.shrink(3)).isEqualTo(3);
        assertThat(shrinkers.failedScans()).isEqualTo(1);
    }

    @Test
    void shouldRejectBadInputAndStayUnchanged() {
        FakeShrinker shrinker = new FakeShrinker("s", 0, 1, 1);
        shrinkers.register(shrinker);

        assertThatThrownBy(() -> shrinkers.register(shrinker))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shrinker: s (expected: not already registered)");
        assertThatThrownBy(() -> shrinkers.register(null))
                .isInstanceOf(NullPointerException.class).hasMessage("shrinker: null (expected: non-null)");
        assertThatThrownBy(() -> shrinkers.register(new FakeShrinker("negative", -1, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shrinker.seeks(): -1 (expected: >= 0)");
        assertThatThrownBy(() -> shrinkers.shrink(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("nrPages: -5 (expected: >= 0)");
        assertThat(shrinkers.shrinkers()).containsExactly(shrinker);
    }

    @Test
    void shouldFreePendingItemsOfARegisteredListUnderPressure() throws Exception {
        try (DeferredFreeList list = DeferredFreeList.builder().workerName("shrinkers-test").build();
             Shrinkers.Registration ignored = shrinkers.register(list);
             WorkerGate gate = WorkerGate.holdWorker(list)) {
            RecordingItem item = new RecordingItem(9);
            list.defer(item);
            assertThat(shrinkers.count()).isEqualTo(9);

            assertThat(shrinkers.shrink(9)).isEqualTo(9);

            assertThat(item.lastReason).isEqualTo(FreeReason.UNDER_PRESSURE);
            assertThat(list.stats().pressureFreedPages()).isEqualTo(9);
        }
    }
}
