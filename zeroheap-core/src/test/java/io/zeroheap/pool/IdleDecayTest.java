package io.zeroheap.pool;

import io.zeroheap.Theories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The idle-decay curve and its low-water bookkeeping, tick by tick. */
class IdleDecayTest {

    private final IdleDecay decay = new IdleDecay(10_000_000_000L);

    @Test
    void aPoolLeftAloneShouldFollowTheCurveAndBeEmptyAtTheDecayTime() {
        IdleDecay.History history = decay.newHistory();
        long pooled = 1000;
        for (int tick = 1; tick <= IdleDecay.TICKS; tick++) {
            pooled -= history.endInterval(pooled, pooled);
            double expected = 1000 * IdleDecay.survival((double) tick / IdleDecay.TICKS);
            assertThat((double) pooled).as("after tick %d", tick).isCloseTo(expected, within(1.0));
        }
        assertThat(pooled).isZero();
    }

    @Test
    void theCurveShouldGiveBackAThirtiethAfterATenthAndHalfAfterHalf() {
        assertThat(IdleDecay.survival(0)).isEqualTo(1.0);
        assertThat(IdleDecay.survival(0.1)).isCloseTo(0.972, within(1e-9));
        assertThat(IdleDecay.survival(0.5)).isCloseTo(0.5, within(1e-9));
        assertThat(IdleDecay.survival(1)).isZero();
        assertThat(decay.tickNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void chunksInUseEveryIntervalShouldNeverDecay() {
        IdleDecay.History history = decay.newHistory();
        for (int tick = 0; tick < 5 * IdleDecay.TICKS; tick++) {
            assertThat(history.endInterval(0, 100)).isZero(); // the pool ran dry in each interval
        }
    }

    @Test
    void onlyTheChunksNobodyUsesShouldGo() {
        IdleDecay.History history = decay.newHistory();
        long pooled = 100;
        long released = 0;
        for (int tick = 0; tick < 3 * IdleDecay.TICKS; tick++) {
            long idle = Math.max(0, 30 - released); // 70 chunks are used each interval
            long r = history.endInterval(idle, pooled);
            released += r;
            pooled -= r;
        }
        assertThat(released).isEqualTo(30);
        assertThat(pooled).isEqualTo(70);
    }

    @Test
    void aNonPositiveDecayTimeShouldBeRejected() {
        assertThatThrownBy(() -> new IdleDecay(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decayNanos");
    }

    /** Whatever the use pattern, a tick never gives back more than was idle, nor a negative count. */
    @Test
    void aTickShouldReleaseAtMostTheIdleChunks() {
        Theories.qt(200).forAll(Theories.lists(Theories.ints(0, 500), 0, 40), Theories.ints(0, 500))
                .checkAssert((lows, pooled) -> {
                    IdleDecay.History history = decay.newHistory();
                    long current = pooled;
                    for (int low : lows) {
                        long idle = Math.min(low, current);
                        long r = history.endInterval(idle, current);
                        assertThat(r).isBetween(0L, idle);
                        current -= r;
                    }
                });
    }
}
