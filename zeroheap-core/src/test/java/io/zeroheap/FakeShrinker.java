package io.zeroheap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A shrinker for tests: holds a fixed number of pages, frees them in units of {@code unit}
 * pages, and records what it was asked and in which order among all fake shrinkers. Not
 * thread-safe; tests call it from one thread.
 */
final class FakeShrinker implements Shrinker {

    private static final AtomicInteger SCANS = new AtomicInteger();

    final String name;
    final int seeks;
    final long unit;
    long pages;
    final List<Long> asked = new ArrayList<>();
    /** The process-wide sequence number of this shrinker's last scan; -1 before any. */
    int lastScan = -1;

    FakeShrinker(String name, int seeks, long pages, long unit) {
        this.name = name;
        this.seeks = seeks;
        this.pages = pages;
        this.unit = unit;
    }

    @Override
    public long count() {
        return pages;
    }

    @Override
    public long scan(long nrToScan) {
        asked.add(nrToScan);
        lastScan = SCANS.incrementAndGet();
        long freed = 0;
        while (freed < nrToScan && pages > 0) {
            long step = Math.min(unit, pages);
            pages -= step;
            freed += step;
        }
        return freed;
    }

    @Override
    public int seeks() {
        return seeks;
    }

    @Override
    public String toString() {
        return name;
    }
}
