package io.zeroheap.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InfoCommandTest {

    @Test
    void shouldPrintEveryFactOnItsOwnAlignedLine() {
        Cli.Run run = Cli.run("info");

        assertThat(run.exitCode()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(PlatformInfo.NAMES.size());
        int valueColumn = lines.getFirst().indexOf("0.1.0");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).startsWith(PlatformInfo.NAMES.get(i) + ":");
            assertThat(lines.get(i).charAt(valueColumn - 1)).isEqualTo(' ');
            assertThat(lines.get(i).charAt(valueColumn)).isNotEqualTo(' ');
        }
        assertThat(run.out())
                .containsPattern("(?m)^page size: +\\d+ bytes$")
                .containsPattern("(?m)^memory source: +(mmap|arena)$")
                .containsPattern("(?m)^worker niceness: +(\\d+|not available.*)$")
                .containsPattern("(?m)^transparent huge pages: +\\S+")
                .containsPattern("(?m)^PSI \\(memory pressure\\): +(available: .*|not available.*)$")
                .containsPattern("(?m)^pressure: PSI: +(off|armed \\S+: .+|unavailable: .*)$")
                .containsPattern("(?m)^pressure: watermarks: +(off|.+, low \\d+ high \\d+ bytes|unavailable: .*)$")
                .containsPattern("(?m)^cgroup memory limit: +\\S+")
                .containsPattern("(?m)^jdk: +25")
                .containsPattern("(?m)^native access: +enabled for the unnamed module");
    }
}
