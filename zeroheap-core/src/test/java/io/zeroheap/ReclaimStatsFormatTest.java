package io.zeroheap;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReclaimStatsFormatTest {

    @Test
    void toStringShouldBeOneLineWithTheMonitorsAndOnlyTheSourcesThatSignalled() {
        Map<PressureSource, ReclaimStats.SourceStats> sources = new EnumMap<>(PressureSource.class);
        for (PressureSource source : PressureSource.values()) {
            sources.put(source, new ReclaimStats.SourceStats(0, 0, 0, 0));
        }
        sources.put(PressureSource.MANUAL, new ReclaimStats.SourceStats(2, 100, 64, 1000));
        ReclaimStats stats = new ReclaimStats(sources, "off", "off", 1L << 30, 1L << 29, 0, 1);

        assertThat(stats.toString()).isEqualTo("ReclaimStats[psi off; watermarks off; limit 1.0 GiB, available 512.0 MiB;"
                + " failures: probe 0, thread 1; manual 2 signals, 64/100 pages]");
    }
}
