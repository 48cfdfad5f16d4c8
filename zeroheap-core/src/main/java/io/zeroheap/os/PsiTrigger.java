package io.zeroheap.os;

import io.zeroheap.pressure.PressureEvents;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Linux pressure-stall (PSI) trigger: the file descriptor of a {@code memory.pressure} file
 * (cgroup v2) or {@code /proc/pressure/memory} with a trigger written to it, such as
 * {@code "some 200000 2000000"} (wake when tasks stalled on memory for 200 ms within a 2 s
 * window), waited for with {@code poll(POLLPRI)}. The kernel sends at most one event per
 * window while the stall lasts. An {@code eventfd} lets another thread wake the waiter.
 *
 * <p>See the kernel's {@code Documentation/accounting/psi.rst}. Creating a trigger on the
 * system-wide file needs {@code CAP_SYS_RESOURCE} on kernels before 6.5, and windows that are
 * multiples of 2 s for unprivileged users after that.
 *
 * <p>Thread-safety: {@link #await} is called by one thread; {@link #wakeUp} and
 * {@link #close} may be called from any thread ({@code close} wakes the waiter first, and
 * the descriptors are closed by whichever of it and the waiter comes last).
 */
public final class PsiTrigger implements PressureEvents {

    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLIN = 0x1;
    private static final short POLLPRI = 0x2;
    private static final short POLLERR = 0x8;
    private static final int EINTR = 4;
    private static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    private static final Optional<Handles> HANDLES = Handles.lookup();

    private final Path file;
    private final String trigger;
    private final int psiFd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFds;
    private final MemorySegment callState;
    private final MemorySegment word;
    private final Object lifecycle = new Object();
    private boolean closed;
    private boolean waiting;

    private PsiTrigger(Path file, String trigger, int psiFd, int wakeFd) {
        this.file = file;
        this.trigger = trigger;
        this.psiFd = psiFd;
        this.wakeFd = wakeFd;
        this.pollFds = arena.allocate(POLLFD, 2);
        this.callState = arena.allocate(Linker.Option.captureStateLayout());
        this.word = arena.allocate(ValueLayout.JAVA_LONG);
        pollFds.set(ValueLayout.JAVA_INT, 0, psiFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, POLLPRI);
        pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
    }

    /** Whether PSI triggers can be tried here (Linux, native access allowed). */
    public static boolean isSupported() {
        return HANDLES.isPresent();
    }

    /**
     * Opens {@code file} and writes the trigger {@code "<kind> <stallMicros> <windowMicros>"}.
     *
     * @param file         a PSI file: {@code /proc/pressure/memory} or a cgroup v2
     *                     {@code memory.pressure}
     * @param kind         {@code "some"} (some tasks stalled) or {@code "full"} (all stalled)
     * @param stallMicros  stall time within a window that fires the trigger, in microseconds
     * @param windowMicros the window, in microseconds (the kernel takes 500 ms to 10 s)
     * @return the armed trigger
     * @throws IOException                   if the file cannot be opened or the kernel refuses
     *                                       the trigger (the message names the file and errno)
     * @throws UnsupportedOperationException if native calls are not available here
     */
    public static PsiTrigger register(Path file, String kind, long stallMicros, long windowMicros)
            throws IOException {
        Handles handles = HANDLES.orElseThrow(() -> new UnsupportedOperationException(
                "PSI triggers need Linux and --enable-native-access=io.zeroheap"));
        String trigger = kind + " " + stallMicros + " " + windowMicros;
        String content;
        try {
            content = java.nio.file.Files.readString(file);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (!content.startsWith("some avg10=")) {
            throw new IOException(file + ": not a PSI file (expected a line 'some avg10=...')");
        }
        int fd = -1;
        int wakeFd = -1;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(Linker.Option.captureStateLayout());
            MemorySegment path = call.allocateFrom(file.toString());
            fd = (int) handles.open.invokeExact(state, path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException(file + ": open failed, errno " + handles.errno(state));
            }
            byte[] bytes = (trigger + "\0").getBytes(StandardCharsets.US_ASCII);
            MemorySegment text = call.allocate(bytes.length);
            text.copyFrom(MemorySegment.ofArray(bytes));
            long written = (long) handles.write.invokeExact(state, fd, text, (long) bytes.length);
            if (written < 0) {
                int errno = handles.errno(state);
                throw new IOException(file + ": trigger '" + trigger + "' refused, errno " + errno
                        + (errno == 1 ? " (EPERM: needs CAP_SYS_RESOURCE, or a window that is a multiple of 2 s)"
                        : errno == 22 ? " (EINVAL: stall/window out of range, or a window that is not a"
                        + " multiple of 2 s without CAP_SYS_RESOURCE)" : ""));
            }
            wakeFd = (int) handles.eventfd.invokeExact(state, 0, O_NONBLOCK | O_CLOEXEC);
            if (wakeFd < 0) {
                throw new IOException("eventfd failed, errno " + handles.errno(state));
            }
            PsiTrigger armed = new PsiTrigger(file, trigger, fd, wakeFd);
            fd = -1; // owned by the trigger now
            wakeFd = -1;
            return armed;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("PSI downcall failed", e);
        } finally {
            closeQuietly(handles, fd);
            closeQuietly(handles, wakeFd);
        }
    }

    private static void closeQuietly(Handles handles, int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) handles.close.invokeExact(fd);
            } catch (Throwable e) {
                // nothing more to do: the descriptor is lost either way
            }
        }
    }

    /** Returns the PSI file this trigger is armed on. */
    public Path file() {
        return file;
    }

    /** Returns the trigger text written to the file, such as {@code "some 200000 2000000"}. */
    public String trigger() {
        return trigger;
    }

    /**
     * Waits up to {@code timeoutMillis} for a pressure event.
     *
     * @param timeoutMillis the longest wait, in milliseconds, {@code >= 0}
     * @return true if the trigger fired; false on timeout, {@link #wakeUp}, or once closed
     * @throws IOException if the kernel reports an error on the PSI file (such as its cgroup
     *                     going away)
     */
    @Override
    public boolean await(int timeoutMillis) throws IOException {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            waiting = true;
        }
        try {
            Handles handles = HANDLES.orElseThrow();
            pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
            int ready = (int) handles.poll.invokeExact(callState, pollFds, 2L, timeoutMillis);
            if (ready < 0) {
                int errno = handles.errno(callState);
                if (errno == EINTR) {
                    return false;
                }
                throw new IOException(file + ": poll failed, errno " + errno);
            }
            short wake = pollFds.get(ValueLayout.JAVA_SHORT, 14);
            if ((wake & POLLIN) != 0) {
                long ignored = (long) handles.read.invokeExact(callState, wakeFd, word, 8L);
            }
            short psi = pollFds.get(ValueLayout.JAVA_SHORT, 6);
            if ((psi & POLLERR) != 0) {
                throw new IOException(file + ": the trigger is gone (POLLERR)");
            }
            return (psi & POLLPRI) != 0;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("poll downcall failed", e);
        } finally {
            synchronized (lifecycle) {
                waiting = false;
                if (closed) {
                    release();
                }
            }
        }
    }

    /** Makes a running or the next {@link #await} return at once. Any thread. */
    @Override
    public void wakeUp() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            signal();
        }
    }

    /** Wakes the waiter and removes the trigger (closes its descriptors). Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (waiting) {
                signal(); // the waiter releases the descriptors on its way out
            } else {
                release();
            }
        }
    }

    @Override
    public String describe() {
        return file + ": " + trigger;
    }

    @Override
    public String toString() {
        return "PsiTrigger[" + describe() + "]";
    }

    private void signal() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment one = call.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            MemorySegment state = call.allocate(Linker.Option.captureStateLayout());
            long ignored = (long) HANDLES.orElseThrow().write.invokeExact(state, wakeFd, one, 8L);
        } catch (Throwable e) {
            throw new IllegalStateException("eventfd write failed", e);
        }
    }

    private void release() {
        try {
            Handles handles = HANDLES.orElseThrow();
            int a = (int) handles.close.invokeExact(psiFd);
            int b = (int) handles.close.invokeExact(wakeFd);
        } catch (Throwable e) {
            throw new IllegalStateException("close downcall failed", e);
        } finally {
            arena.close();
        }
    }

    private record Handles(MethodHandle open, MethodHandle write, MethodHandle read, MethodHandle close,
                           MethodHandle poll, MethodHandle eventfd, VarHandle errnoHandle) {

        int errno(MemorySegment state) {
            return (int) errnoHandle.get(state, 0L);
        }

        static Optional<Handles> lookup() {
            if (!Linux.isCurrentOs()) {
                return Optional.empty();
            }
            try {
                Linker.Option errno = Linker.Option.captureCallState("errno");
                VarHandle errnoHandle = Linker.Option.captureStateLayout()
                        .varHandle(MemoryLayout.PathElement.groupElement("errno"));
                ValueLayout i32 = ValueLayout.JAVA_INT;
                ValueLayout i64 = ValueLayout.JAVA_LONG;
                ValueLayout ptr = ValueLayout.ADDRESS;
                return Optional.of(new Handles(
                        Linux.libc("open", FunctionDescriptor.of(i32, ptr, i32), errno),
                        Linux.libc("write", FunctionDescriptor.of(i64, i32, ptr, i64), errno),
                        Linux.libc("read", FunctionDescriptor.of(i64, i32, ptr, i64), errno),
                        Linux.libc("close", FunctionDescriptor.of(i32, i32)),
                        Linux.libc("poll", FunctionDescriptor.of(i32, ptr, i64, i32), errno),
                        Linux.libc("eventfd", FunctionDescriptor.of(i32, i32, i32), errno),
                        errnoHandle));
            } catch (RuntimeException e) {
                return Optional.empty(); // native access denied or a libc without these
            }
        }
    }
}
