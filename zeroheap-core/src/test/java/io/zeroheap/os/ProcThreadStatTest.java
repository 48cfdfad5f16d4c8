package io.zeroheap.os;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcThreadStatTest {

    @Test
    void shouldParseStateCpuTimeAndNiceEvenWhenTheNameHasSpacesAndParens() {
        String line = "2444 (zeroheap (x) y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 39 19 1 0 100 0 0";
        ProcThreadStat stat = ProcThreadStat.parse(line);
        assertThat(stat.state()).isEqualTo('S');
        assertThat(stat.cpuTicks()).isEqualTo(11 + 12);
        assertThat(stat.nice()).isEqualTo(19);
    }

    @Test
    void shouldRejectALineWithoutACommandName() {
        assertThatThrownBy(() -> ProcThreadStat.parse("garbage"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stat line");
    }
}
