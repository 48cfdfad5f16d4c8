package io.zeroheap.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of Linux {@code /proc/self/task/<tid>/stat} that zeroheap reads: run state,
 * CPU time and niceness of one native thread.
 *
 * @param state     the one-letter run state ({@code R} running, {@code S} sleeping, ...)
 * @param cpuTicks  user + system CPU time, in clock ticks
 * @param nice      the niceness, -20 to 19
 */
public record ProcThreadStat(char state, long cpuTicks, int nice) {

    /**
     * Reads the stat line of native thread {@code tid} of this process.
     *
     * @return the parsed fields, or empty where the file does not exist or cannot be parsed
     */
    public static Optional<ProcThreadStat> read(long tid) {
        Path path = Path.of("/proc/self/task", Long.toString(tid), "stat");
        try {
            return Optional.of(parse(Files.readString(path)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses one stat line, as documented in {@code proc_pid_stat(5)}.
     *
     * @throws IllegalArgumentException if the line does not have the expected shape
     */
    static ProcThreadStat parse(String line) {
        // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
        int afterName = line.lastIndexOf(')');
        if (afterName < 0) {
            throw new IllegalArgumentException("stat line: \"" + line + "\" (expected: pid (comm) ...)");
        }
        String[] fields = line.substring(afterName + 2).trim().split(" ");
        // fields[0] is field 3 (state); utime is field 14, stime 15, nice 19.
        char state = fields[0].charAt(0);
        long cpuTicks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
        int nice = Integer.parseInt(fields[19 - 3]);
        return new ProcThreadStat(state, cpuTicks, nice);
    }
}
