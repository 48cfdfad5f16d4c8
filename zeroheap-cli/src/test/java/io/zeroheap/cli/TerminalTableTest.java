package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TerminalTableTest {

    @Test
    void shouldAlignFirstColumnLeftAndOthersRight() {
        String text = new TerminalTable("allocator", "p50", "ratio")
                .row("zeroheap newArena()", "95 ns", "1.00x")
                .blank()
                .row("Arena.ofShared()", "65 µs", "684x")
                .render();

        assertThat(text).isEqualTo("""
                allocator              p50  ratio
                ---------------------------------
                zeroheap newArena()  95 ns  1.00x

                Arena.ofShared()     65 µs   684x
                """);
    }

    @Test
    void shouldRejectRowsWiderThanTheHeader() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TerminalTable("a").row("1", "2"))
                .withMessage("cells: 2 (expected: <= 1)");
    }
}
