package io.zeroheap.pressure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@code MemTotal} and {@code MemAvailable} from a {@code /proc/meminfo}-format file.
 * Thread-safe (stateless apart from the path).
 */
public final class MemInfo {

    private final Path file;

    /** @param file the meminfo file, normally {@code /proc/meminfo} */
    public MemInfo(Path file) {
        this.file = file;
    }

    /** Returns the file read. */
    public Path file() {
        return file;
    }

    /**
     * Reads the file.
     *
     * @return {@code [MemTotal, MemAvailable]} in bytes
     * @throws IOException if the file cannot be read or lacks either line
     */
    public long[] read() throws IOException {
        long total = -1;
        long available = -1;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("MemTotal:")) {
                total = kibibytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kibibytes(line);
            }
        }
        if (total < 0 || available < 0) {
            throw new IOException(file + ": no MemTotal and MemAvailable lines");
        }
        return new long[] {total, available};
    }

    private long kibibytes(String line) throws IOException {
        String[] fields = line.trim().split("\\s+");
        try {
            return Long.parseLong(fields[1]) * 1024;
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot parse '" + line + "'", e);
        }
    }
}
