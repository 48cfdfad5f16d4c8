package io.zeroheap;

import io.zeroheap.util.Loggers;
import io.zeroheap.observe.Events;
import io.zeroheap.os.MemorySource;
import io.zeroheap.os.PsiTrigger;
import io.zeroheap.pressure.CgroupMemory;
import io.zeroheap.pressure.DecaySchedule;
import io.zeroheap.pressure.MemInfo;
import io.zeroheap.pressure.MemoryProbe;
import io.zeroheap.pressure.MemoryReading;
import io.zeroheap.pressure.PressureEvents;
import io.zeroheap.pressure.SourceCounters;
import io.zeroheap.pressure.WatermarkMonitor;
import io.zeroheap.pressure.Watermarks;
import io.zeroheap.util.Checks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Notices memory pressure and asks the {@link Shrinkers} for memory back: in the kernel the
 * memory manager calls the shrinkers; in a JVM nobody does, so this does. It runs on a thread
 * of its own ({@code zeroheap-reclaim}, normal priority: pressure is answered promptly even
 * when the nice-19 free workers are starved) and answers:
 *
 * <ul>
 *   <li><b>PSI</b> ({@link PressureSource#PSI}): a trigger on the process's cgroup v2
 *       {@code memory.pressure}, else {@code /proc/pressure/memory}; by default
 *       {@code some 200000 2000000} (tasks stalled on memory for 200 ms within 2 s, 10% of the
 *       time; a window that is a multiple of 2 s is what the kernel lets processes without
 *       {@code CAP_SYS_RESOURCE} arm, and this machine's kernel insists on it even for root). Stalls
 *       mean memory is short now: each event asks for everything the shrinkers hold, pending
 *       frees first (freed {@link FreeReason#UNDER_PRESSURE}, so unzeroed), then pools.</li>
 *   <li><b>Watermarks</b> ({@link PressureSource#WATERMARK}): every poll interval (250 ms by
 *       default) it reads the cgroup's limit and working set and {@code MemAvailable}; when
 *       available memory is under the low watermark (5% of the limit by default) it reclaims
 *       until it would be over the high one (10%), as kswapd does. Between readings, an
 *       allocation about to map fresh memory that would take available memory (the last reading
 *       minus what the heaps mapped since) under the low watermark reclaims first on its own
 *       thread ({@link PressureSource#DIRECT_RECLAIM}, the kernel's direct reclaim); a reading
 *       older than four intervals is not trusted for that.</li>
 *   <li><b>Idle decay</b> ({@link PressureSource#IDLE_DECAY}): it ticks the heaps' idle decay
 *       (see {@link SystemHeap.Builder#idleDecay}), so an idle service goes back to its
 *       baseline footprint with no call.</li>
 *   <li><b>Refused allocations</b> ({@link PressureSource#ALLOCATION_FAILURE}) and
 *       <b>manual calls</b> ({@link #shrinkAll()}) run on the calling thread and are recorded
 *       here too.</li>
 * </ul>
 *
 * <p>Monitors never touch the allocation path: they read files and wait on a file descriptor
 * on their own thread. Every path is configurable, so tests point them at files they write.
 * A monitor that cannot start (no PSI file, no permission to arm a trigger) is reported in
 * {@link ReclaimStats#psi()} / {@link ReclaimStats#watermarks()} and the others run on.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread. The reclaim thread
 * alone reads the files, waits for PSI events and ticks decay; allocating threads only read
 * the last published reading ({@link WatermarkMonitor}: one volatile record) and add to an
 * atomic count of bytes mapped, on the miss path. Reclaims from several threads may run at
 * once; the shrinkers sort out who frees what. Counters are per-source and synchronized.
 */
public final class Reclaimer implements AutoCloseable {

    private static final System.Logger LOG = Loggers.lazy(Reclaimer.class.getName());
    /** A reading older than this many poll intervals gives direct reclaim no estimate. */
    private static final int STALE_READINGS = 4;
    /** The longest the reclaim thread waits when nothing is due (it is woken for new work). */
    private static final long MAX_WAIT_NANOS = 60_000_000_000L;
    private static final Object SYSTEM_LOCK = new Object();
    private static Reclaimer system;

    private final Shrinkers shrinkers;
    private final long pageSize;
    private final LongSupplier nanoClock;
    private final long pollNanos;
    /** Null until the reclaim thread read memory once, and when watermarks are off or unavailable. */
    private volatile WatermarkMonitor watermarks;
    private volatile String watermarkStatus = "starting";
    private final Map<PressureSource, SourceCounters> counters = new EnumMap<>(PressureSource.class);
    private final DecaySchedule decays = new DecaySchedule();
    private final AtomicLong probeFailures = new AtomicLong();
    private final AtomicLong threadFailures = new AtomicLong();
    /** Null when PSI is off, unavailable or gone; written by the constructor and the reclaim thread. */
    private volatile PressureEvents psi;
    private volatile String psiStatus;
    private volatile boolean closed;
    private final Thread thread;
    /** Stops the thread at the JVM's exit (see {@link #stopAtExit()}); null if none was added. */
    private volatile Thread exitHook;
    /** Reclaim thread only. */
    private long nextReadingNanos;

    private Reclaimer(Builder builder, boolean start) {
        this.shrinkers = builder.shrinkers;
        this.pageSize = builder.pageSize;
        this.nanoClock = builder.nanoClock;
        this.pollNanos = builder.pollInterval.toNanos();
        for (PressureSource source : PressureSource.values()) {
            counters.put(source, new SourceCounters());
        }
        this.psiStatus = "starting";
        if (builder.psiEvents != null) { // given, not armed: nothing to read
            this.psi = builder.psiEvents;
            this.psiStatus = "armed " + psi.describe();
        }
        this.nextReadingNanos = nanoClock.getAsLong(); // the first run reads again and answers
        if (start) { // the files and PSI are read on the reclaim thread: not on the first heap's path
            this.thread = Thread.ofPlatform().name(builder.threadName).daemon().unstarted(() -> {
                startMonitors(builder);
                run();
            });
            thread.start();
        } else {
            this.thread = null;
            startMonitors(builder);
        }
    }

    /** Reads memory once and arms PSI, as the builder says; a monitor that cannot start is reported. */
    private void startMonitors(Builder builder) {
        WatermarkMonitor monitor = null;
        String status = "off";
        if (builder.watermarksOn) {
            Optional<CgroupMemory> cgroup = builder.cgroupDir != null ? Optional.of(builder.cgroupDir)
                    : builder.locateCgroup ? CgroupMemory.locate(builder.procSelfCgroup, builder.mountInfo)
                    : Optional.empty();
            monitor = new WatermarkMonitor(new MemoryProbe(new MemInfo(builder.procMeminfo), cgroup),
                    builder.watermarks, STALE_READINGS * pollNanos);
            try {
                monitor.read(nanoClock.getAsLong());
                status = monitor.describe();
            } catch (IOException | RuntimeException e) {
                status = "unavailable: " + e.getMessage();
                monitor = null;
            }
        }
        this.watermarks = monitor;
        this.watermarkStatus = status;
        if (builder.psiEvents == null) {
            if (builder.psi) {
                armPsi(builder);
            } else {
                this.psiStatus = "off";
            }
        }
    }

    /**
     * Arms the configured PSI file, or the cgroup's then the system's: a cgroup file that
     * cannot be armed (a read-only cgroupfs in a container) falls back to
     * {@code /proc/pressure/memory}.
     */
    private void armPsi(Builder builder) {
        List<Path> candidates = new ArrayList<>();
        if (builder.psiFile != null) {
            candidates.add(builder.psiFile);
        } else {
            CgroupMemory.locatePressureFile(builder.procSelfCgroup, builder.mountInfo).ifPresent(candidates::add);
            candidates.add(Path.of("/proc/pressure/memory"));
        }
        List<String> failures = new ArrayList<>();
        for (Path file : candidates) {
            try {
                psi = PsiTrigger.register(file, "some", builder.psiStall.toNanos() / 1000,
                        builder.psiWindow.toNanos() / 1000);
                psiStatus = "armed " + psi.describe();
                if (closed) { // closed while this thread was arming it: close() saw no trigger
                    psi.close();
                } else {
                    stopAtExit();
                }
                return;
            } catch (IOException | RuntimeException e) { // no PSI here, or native access denied
                failures.add(e.getMessage());
            }
        }
        psiStatus = "unavailable: " + String.join("; ", failures);
    }

    /**
     * Returns the process-wide reclaimer, started on first use with the defaults unless
     * {@link #startSystem} configured it first. {@link SystemHeap}s tick their idle decay on
     * it and report refused allocations to it, unless given another.
     */
    public static Reclaimer system() {
        synchronized (SYSTEM_LOCK) {
            if (system == null) {
                system = builder().build();
            }
            return system;
        }
    }

    /**
     * Starts the process-wide reclaimer with the settings of {@code builder} (for example with
     * PSI off). Call it before the first heap is built.
     *
     * @return the started reclaimer, from now on {@link #system()}
     * @throws IllegalStateException if the process-wide reclaimer is already running
     */
    public static Reclaimer startSystem(Builder builder) {
        Checks.requireNonNull(builder, "builder");
        synchronized (SYSTEM_LOCK) {
            if (system != null) {
                throw new IllegalStateException("the system reclaimer is already running: " + system
                        + " (expected: startSystem before the first heap is built)");
            }
            system = builder.build();
            return system;
        }
    }

    /** Returns a builder with the defaults documented on each setting. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks every shrinker for everything it holds, on the calling thread (pending frees first,
     * then pinned chunks, then pools), and records it as {@link PressureSource#MANUAL}.
     *
     * @return pages freed (in the shrinkers' pages: the heaps' page size)
     */
    public long shrinkAll() {
        return reclaim(PressureSource.MANUAL, Long.MAX_VALUE, nanoClock.getAsLong());
    }

    /** Returns what this reclaimer has seen and done so far. */
    public ReclaimStats stats() {
        Map<PressureSource, ReclaimStats.SourceStats> sources = new EnumMap<>(PressureSource.class);
        counters.forEach((source, c) -> {
            long[] values = c.snapshot();
            sources.put(source, new ReclaimStats.SourceStats(values[0], values[1], values[2], values[3]));
        });
        MemoryReading reading = watermarks == null ? null : watermarks.lastReading();
        return new ReclaimStats(sources, psiStatus, watermarkStatus,
                reading == null ? -1 : reading.limitBytes(), reading == null ? -1 : reading.availableBytes(),
                probeFailures.get(), threadFailures.get());
    }

    /**
     * Stops the thread and disarms the PSI trigger; returns once the thread has ended. Idempotent.
     *
     * @throws UnsupportedOperationException if this is {@link #system()}, which runs as long
     *                                       as the JVM
     */
    @Override
    public void close() {
        synchronized (SYSTEM_LOCK) {
            if (this == system) {
                throw new UnsupportedOperationException("reclaimer: " + this + " (expected: not the system"
                        + " reclaimer, which runs as long as the JVM)");
            }
        }
        if (closed) {
            return;
        }
        Thread hook = exitHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs, and stops the thread as this does
            }
        }
        closed = true;
        PressureEvents events = psi;
        if (events != null) {
            events.close();
        }
        if (thread != null) {
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Reclaimer[psi " + psiStatus + "; watermarks " + watermarkStatus + (closed ? "; closed]" : "]");
    }

    // ---- used by heaps ----

    /**
     * Ticks {@code tick} every {@code tickNanos} on the reclaim thread and records what it
     * frees as {@link PressureSource#IDLE_DECAY}, until the registration is closed.
     */
    Shrinkers.Registration registerDecay(long tickNanos, LongSupplier tick) {
        Shrinkers.Registration registration = decays.add(Checks.requirePositive(tickNanos, "tickNanos"), tick,
                nanoClock.getAsLong());
        wakeUp();
        return registration;
    }

    /**
     * The OS refused memory to an allocation: asks every shrinker for everything, on the
     * calling thread, recorded as {@link PressureSource#ALLOCATION_FAILURE}.
     *
     * @return pages freed
     */
    long reclaimAfterRefusal() {
        return reclaim(PressureSource.ALLOCATION_FAILURE, Long.MAX_VALUE, nanoClock.getAsLong());
    }

    /**
     * Direct reclaim (as the kernel's): a heap is about to map {@code bytes} of fresh memory.
     * If that would leave available memory under the low watermark (estimated from a fresh
     * reading, see {@link WatermarkMonitor}), reclaims on the calling thread up to the high
     * watermark first, recorded as {@link PressureSource#DIRECT_RECLAIM}, so a burst between two
     * readings does not run into the limit. Nothing happens when the shrinkers hold nothing.
     * Only allocation misses call this, never the pool path.
     */
    void beforeFreshMemory(long bytes) {
        if (watermarks == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        long reclaimBytes = watermarks.bytesToReclaimBeforeMapping(bytes, now);
        if (reclaimBytes > 0 && shrinkers.count() > 0) {
            reclaim(PressureSource.DIRECT_RECLAIM, (reclaimBytes + pageSize - 1) / pageSize, now);
        }
    }

    /**
     * A heap's bytes held from the OS changed by {@code delta} (mapped: positive; unmapped or
     * purged: negative). Called on map and unmap paths only.
     */
    void heldBytesChanged(long delta) {
        if (watermarks != null) {
            watermarks.heldBytesChanged(delta);
        }
    }

    /** Whether available memory is under the low watermark now (idle workers then do not refill pools). */
    boolean underPressure() {
        return watermarks != null && watermarks.underLowWatermark(nanoClock.getAsLong());
    }

    /**
     * Does the work due at {@code nowNanos} (a watermark reading, decay ticks) and returns when
     * the next is due. The reclaim thread's loop body; tests call it with a fake clock.
     */
    long runDue(long nowNanos) {
        long next = Long.MAX_VALUE;
        if (watermarks != null) {
            if (nowNanos - nextReadingNanos >= 0) {
                checkWatermarks(nowNanos);
                nextReadingNanos = nowNanos + pollNanos;
            }
            next = nextReadingNanos;
        }
        SourceCounters decay = counters.get(PressureSource.IDLE_DECAY);
        return DecaySchedule.earlier(next, decays.runDue(nowNanos,
                pages -> decay.add(pages, pages, nanoClock.getAsLong() - nowNanos)));
    }

    /** A PSI event arrived at {@code nowNanos}: ask for everything. */
    void onPsiEvent(long nowNanos) {
        reclaim(PressureSource.PSI, Long.MAX_VALUE, nowNanos);
    }

    private void checkWatermarks(long nowNanos) {
        MemoryReading reading;
        try {
            reading = watermarks.read(nowNanos);
        } catch (IOException e) {
            if (probeFailures.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, () -> "reading memory limits failed; counted, retried", e);
            }
            return;
        }
        long bytes = watermarks.bytesToReclaim(reading);
        if (bytes > 0) {
            reclaim(PressureSource.WATERMARK, (bytes + pageSize - 1) / pageSize, nowNanos);
        }
    }

    private long reclaim(PressureSource source, long pages, long signalNanos) {
        long asked = pages == Long.MAX_VALUE ? shrinkers.count() : pages;
        long freed = shrinkers.shrink(pages);
        long latency = nanoClock.getAsLong() - signalNanos;
        counters.get(source).add(asked, freed, latency);
        if (Events.pressureSignalEnabled()) {
            MemoryReading reading = watermarks == null ? null : watermarks.lastReading();
            Events.pressureSignal(source.name(), "asked " + asked + " pages, freed " + freed
                    + (reading == null ? "" : "; available " + reading.availableBytes() + " bytes of limit "
                    + reading.limitBytes()));
        }
        LOG.log(System.Logger.Level.DEBUG, () -> source + ": asked " + asked + " pages, freed " + freed
                + " in " + latency / 1000 + " µs");
        return freed;
    }

    private void wakeUp() {
        PressureEvents events = psi;
        if (events != null) {
            events.wakeUp();
        } else if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The reclaim thread: does what is due, then waits for a PSI event or the next due time.
     * It survives everything: a failure (an {@code Error} too, such as an OutOfMemoryError under
     * pressure) is counted in {@link ReclaimStats#threadFailures()} and logged, and the loop
     * goes on after a poll interval; a PSI source that reports itself gone is closed and the
     * thread falls back to timed waits.
     */
    private void run() {
        while (!closed) {
            try {
                long now = nanoClock.getAsLong();
                long next = runDue(now);
                long waitNanos = next == Long.MAX_VALUE ? MAX_WAIT_NANOS : Math.min(MAX_WAIT_NANOS, Math.max(0, next - now));
                PressureEvents events = psi;
                if (events != null) {
                    awaitPsi(events, (int) Math.max(1, waitNanos / 1_000_000));
                } else if (waitNanos > 0) {
                    LockSupport.parkNanos(this, waitNanos);
                }
            } catch (Throwable e) {
                threadFailures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "reclaim thread: " + e + "; counted, going on", e);
                LockSupport.parkNanos(this, pollNanos);
            }
        }
    }

    /**
     * Has the JVM's exit wake the reclaim thread out of its PSI {@code poll} and stop it: at
     * exit the JVM waits (up to 300 ms) for threads running native code to come back, and a
     * thread in {@code poll} would only come back at its timeout. Called on the reclaim thread
     * once PSI is armed.
     */
    private void stopAtExit() {
        if (thread == null) {
            return;
        }
        Thread hook = Thread.ofPlatform().name(thread.getName() + "-exit").unstarted(() -> {
            closed = true;
            PressureEvents events = psi;
            if (events != null) {
                events.wakeUp(); // the thread sees closed and leaves; the descriptors die with the process
            }
        });
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            exitHook = hook;
        } catch (IllegalStateException e) {
            // the JVM is already exiting
        }
    }

    private void awaitPsi(PressureEvents events, int timeoutMillis) {
        try {
            if (events.await(timeoutMillis) && !closed) {
                onPsiEvent(nanoClock.getAsLong());
            }
        } catch (IOException e) {
            psi = null; // gone for good (its cgroup was removed): stop waiting on it
            events.close();
            psiStatus = "unavailable: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, () -> "PSI monitor stopped: " + e.getMessage());
        }
    }

    /**
     * Builds a {@link Reclaimer}. Not thread-safe. {@link #build()} arms the monitors and starts
     * the thread.
     */
    public static final class Builder {
        private Shrinkers shrinkers = Shrinkers.system();
        private long pageSize = MemorySource.platformDefault().pageSize();
        private boolean psi = true;
        private Path psiFile;
        private Duration psiStall = Duration.ofMillis(200);
        private Duration psiWindow = Duration.ofSeconds(2);
        private boolean watermarksOn = true;
        private Watermarks watermarks = new Watermarks(0.05, 0.10);
        private Duration pollInterval = Duration.ofMillis(250);
        private Path procMeminfo = Path.of("/proc/meminfo");
        private Path procSelfCgroup = Path.of("/proc/self/cgroup");
        private Path mountInfo = Path.of("/proc/self/mountinfo");
        private boolean locateCgroup = true;
        private CgroupMemory cgroupDir;
        private PressureEvents psiEvents;
        private String threadName = "zeroheap-reclaim";
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /** The shrinkers to ask; default {@link Shrinkers#system()}. */
        public Builder shrinkers(Shrinkers shrinkers) {
            this.shrinkers = Checks.requireNonNull(shrinkers, "shrinkers");
            return this;
        }

        /** Whether to arm a PSI trigger where the platform has one; default true. */
        public Builder psi(boolean psi) {
            this.psi = psi;
            return this;
        }

        /**
         * The PSI file to arm; default the process's cgroup v2 {@code memory.pressure}, else
         * {@code /proc/pressure/memory}.
         */
        public Builder psiFile(Path file) {
            this.psiFile = Checks.requireNonNull(file, "file");
            return this;
        }

        /**
         * The PSI trigger: fire when tasks stalled on memory for {@code stall} within
         * {@code window}; default 200 ms within 2 s. The kernel takes windows of 500 ms to 10 s,
         * and only multiples of 2 s from processes without {@code CAP_SYS_RESOURCE}.
         *
         * @throws IllegalArgumentException if {@code stall} is not positive or exceeds
         *                                  {@code window}, or the window is outside 500 ms to 10 s
         */
        public Builder psiThreshold(Duration stall, Duration window) {
            Checks.requireNonNull(stall, "stall");
            Checks.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofMillis(500)) < 0 || window.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("window: " + window + " (expected: 500 ms to 10 s)");
            }
            if (stall.isNegative() || stall.isZero() || stall.compareTo(window) > 0) {
                throw new IllegalArgumentException("stall: " + stall + " (expected: > 0 and <= window " + window + ")");
            }
            this.psiStall = stall;
            this.psiWindow = window;
            return this;
        }

        /** Whether to watch the memory limit and available memory; default true. */
        public Builder watermarks(boolean on) {
            this.watermarksOn = on;
            return this;
        }

        /**
         * Watch the memory limit with these watermarks, as shares of the limit; default 0.05
         * and 0.10.
         *
         * @throws IllegalArgumentException if a share is outside (0, 1) or high is below low
         */
        public Builder watermarks(double lowFraction, double highFraction) {
            this.watermarks = new Watermarks(lowFraction, highFraction);
            this.watermarksOn = true;
            return this;
        }

        /** How often the watermarks are checked; default 250 ms. */
        public Builder pollInterval(Duration interval) {
            Checks.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
            }
            this.pollInterval = interval;
            return this;
        }

        /** The meminfo file; default {@code /proc/meminfo}. */
        public Builder procMeminfo(Path file) {
            this.procMeminfo = Checks.requireNonNull(file, "file");
            return this;
        }

        /**
         * The files that locate the process's cgroups; default {@code /proc/self/cgroup} and
         * {@code /proc/self/mountinfo}.
         */
        public Builder procSelfCgroup(Path cgroupFile, Path mountInfoFile) {
            this.procSelfCgroup = Checks.requireNonNull(cgroupFile, "cgroupFile");
            this.mountInfo = Checks.requireNonNull(mountInfoFile, "mountInfoFile");
            return this;
        }

        /**
         * A memory cgroup directory to watch instead of locating the process's own.
         *
         * @param dir the cgroup directory
         * @param v2  true for cgroup v2 ({@code memory.max}, {@code memory.current}), false for
         *            v1 ({@code memory.limit_in_bytes}, {@code memory.usage_in_bytes})
         */
        public Builder cgroup(Path dir, boolean v2) {
            Checks.requireNonNull(dir, "dir");
            this.cgroupDir = v2 ? CgroupMemory.v2(dir, dir) : CgroupMemory.v1(dir);
            return this;
        }

        /** No cgroup: watch {@code MemAvailable} only. */
        public Builder noCgroup() {
            this.cgroupDir = null;
            this.locateCgroup = false;
            return this;
        }

        /** Events to wait on instead of a PSI trigger; for tests that send fake events. */
        Builder psiEvents(PressureEvents events) {
            this.psiEvents = Checks.requireNonNull(events, "events");
            return this;
        }

        /** The page size that bytes are converted with; default the platform's. */
        public Builder pageSize(long pageSize) {
            this.pageSize = Checks.requirePowerOfTwo(pageSize, "pageSize");
            return this;
        }

        /** The reclaim thread's name; default {@code zeroheap-reclaim}. */
        public Builder threadName(String name) {
            this.threadName = Checks.requireNonBlank(name, "name");
            return this;
        }

        /** The clock, in nanoseconds; tests pass a fake one with {@link #buildStopped()}. */
        Builder nanoClock(LongSupplier clock) {
            this.nanoClock = Checks.requireNonNull(clock, "clock");
            return this;
        }

        /** Arms the monitors and starts the reclaim thread. */
        public Reclaimer build() {
            return new Reclaimer(this, true);
        }

        /** Arms the monitors without a thread: tests drive {@link Reclaimer#runDue} themselves. */
        Reclaimer buildStopped() {
            return new Reclaimer(this, false);
        }
    }
}
