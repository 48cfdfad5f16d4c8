package io.zeroheap.cli;

/**
 * One benchmark thread's part of a cell for allocators whose buffers are freed where they were
 * allocated: a warm-up, the {@link StartLine}, then the measurement, each operation one
 * {@link Allocator#cycle} timed on its own with {@code System.nanoTime()} before and after.
 *
 * <p><b>Sustained</b>: one operation after the other until {@link CellBudget#sustainedDone}.
 * <b>Bursts</b>: {@link Regime#burstLength()} operations back to back, then, untimed,
 * {@link Allocator#afterBurst()} and the regime's idle gap; whole bursts are measured until
 * {@link CellBudget#burstsDone}, unless the operations are so slow that
 * {@link CellBudget#busyLimitReached} stops the cell mid-burst. Before the warm-up, untimed, {@link Allocator#prepare}. A
 * burst warm-up may stop mid-burst (slow cells: 32 MiB of fresh memory takes 80 ms here) but
 * always ends with its gap, so the first measured burst comes after idle time as every other
 * does. Busy time is
 * the time in bursts, gaps excluded. Memory held is sampled after each burst, or every 10 ms.
 *
 * <p>Not thread-safe: one instance per benchmark thread (the allocator it uses is shared).
 */
final class OwnBufferLoop {

    private static final long SAMPLE_HELD_EVERY_NANOS = 10_000_000;

    private final Allocator allocator;
    private final int byteSize;
    private final BufferUse use;
    private final Regime regime;
    private final CellBudget budget;
    private final Cell cell;

    OwnBufferLoop(Allocator allocator, Cell cell, CellBudget budget) {
        this.allocator = allocator;
        this.cell = cell;
        this.byteSize = Math.toIntExact(cell.byteSize());
        this.use = cell.use();
        this.regime = cell.regime();
        this.budget = budget;
    }

    /**
     * Warms up, waits at {@code line}, measures.
     *
     * @return what was measured, or null if the line was aborted (another thread failed)
     * @throws InterruptedException if interrupted at the start line
     */
    LoopTally run(StartLine line) throws InterruptedException {
        allocator.prepare(cell);
        long warmupSink = regime.isBurst() ? warmUpBursts() : warmUpSustained();
        if (!line.arriveAndAwait()) {
            return null;
        }
        LoopTally tally = regime.isBurst() ? measureBursts() : measureSustained();
        tally.sink += warmupSink;
        return tally;
    }

    private long warmUpSustained() {
        long value = 0;
        long start = System.nanoTime();
        long ops = 0;
        do {
            value += allocator.cycle(byteSize, use);
            ops++;
        } while (!budget.warmupDone(System.nanoTime() - start, ops));
        return value;
    }

    private long warmUpBursts() {
        long value = 0;
        long start = System.nanoTime();
        long ops = 0;
        boolean done = false;
        while (!done) {
            for (int i = 0; i < regime.burstLength() && !done; i++) {
                value += allocator.cycle(byteSize, use);
                ops++;
                done = budget.warmupDone(System.nanoTime() - start, ops);
            }
            allocator.afterBurst();
            Idle.park(regime.gapNanos());
            done = budget.warmupDone(System.nanoTime() - start, ops);
        }
        return value;
    }

    private LoopTally measureSustained() {
        LoopTally tally = new LoopTally();
        long value = 0;
        long start = System.nanoTime();
        long lastSample = start;
        long t1;
        long ops = 0;
        do {
            long t0 = System.nanoTime();
            value += allocator.cycle(byteSize, use);
            t1 = System.nanoTime();
            tally.histogram.recordValue(t1 - t0);
            ops++;
            if (t1 - lastSample >= SAMPLE_HELD_EVERY_NANOS) {
                tally.sampleHeld(allocator);
                lastSample = System.nanoTime();
            }
        } while (!budget.sustainedDone(t1 - start, ops));
        tally.busyNanos = t1 - start;
        tally.operations = ops;
        tally.sampleHeld(allocator);
        tally.sink = value;
        return tally;
    }

    private LoopTally measureBursts() {
        LoopTally tally = new LoopTally();
        long value = 0;
        long start = System.nanoTime();
        boolean busyLimit = false;
        while (true) {
            long burstStart = System.nanoTime();
            long t1 = burstStart;
            int i = 0;
            while (i < regime.burstLength() && !busyLimit) {
                long t0 = System.nanoTime();
                value += allocator.cycle(byteSize, use);
                t1 = System.nanoTime();
                tally.histogram.recordValue(t1 - t0);
                i++;
                busyLimit = budget.busyLimitReached(tally.busyNanos + (t1 - burstStart), tally.operations + i);
            }
            tally.busyNanos += t1 - burstStart;
            tally.operations += i;
            tally.bursts += i == regime.burstLength() ? 1 : 0;
            tally.sampleHeld(allocator);
            allocator.afterBurst();
            if (busyLimit || budget.burstsDone(System.nanoTime() - start, tally.operations, tally.bursts)) {
                break;
            }
            Idle.park(regime.gapNanos());
        }
        tally.sink = value;
        return tally;
    }
}
