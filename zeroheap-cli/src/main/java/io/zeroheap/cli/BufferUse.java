package io.zeroheap.cli;

import picocli.CommandLine;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code zeroheap bench} does with each buffer between getting it and giving it back. Every
 * allocator does the same work for the same mode, on a {@link MemorySegment} over the buffer's
 * memory ({@code MemorySegment.ofBuffer} for {@code ByteBuffer}s and Netty's {@code nioBuffer}),
 * so the modes differ only in how much of the memory is used, not in how.
 */
public enum BufferUse {
    /** Nothing written or read: what the allocate + free call costs alone. */
    NONE("none", "nothing written"),
    /** One {@code long} written per 4 KiB page: every page dirty, little else (the old "touched"). */
    PAGE("page", "one long written per 4 KiB page"),
    /** Every {@code long} of the first 4 KiB written, the rest left alone: a socket read into a large buffer. */
    HEAD("head", "the first 4 KiB written, every long"),
    /** Every byte written, then one byte per 64-byte cache line read back and summed: real use of the whole buffer. */
    FILL("fill", "every byte written, then one byte per 64-byte cache line read");

    private final String id;
    private final String description;

    BufferUse(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The command-line id, e.g. {@code fill}. */
    public String id() {
        return id;
    }

    /** What the mode does to a buffer, in a few words, e.g. {@code "one long written per 4 KiB page"}. */
    public String description() {
        return description;
    }

    /**
     * Does this mode's work on {@code segment} (on the calling thread).
     *
     * @return a value that depends on the work (the sum of what was read, or the address), for
     *         the caller to sink so that nothing is optimised away
     */
    public long apply(MemorySegment segment) {
        return switch (this) {
            case NONE -> segment.address();
            case PAGE -> BufferWork.writePages(segment);
            case HEAD -> BufferWork.writeHead(segment);
            case FILL -> BufferWork.fillAndRead(segment);
        };
    }

    /**
     * Finds a mode by id, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException if no mode has that id
     */
    public static BufferUse byId(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (BufferUse use : values()) {
            if (use.id.equals(wanted)) {
                return use;
            }
        }
        throw new IllegalArgumentException("'" + id + "' (expected one of: " + ids() + ")");
    }

    /** All ids, comma-separated, in order. */
    public static String ids() {
        return Arrays.stream(values()).map(BufferUse::id).collect(Collectors.joining(", "));
    }

    /** Picocli's converter for {@code --use}: an unknown mode is a usage error (exit code 2). */
    public static final class Converter implements CommandLine.ITypeConverter<BufferUse> {
        @Override
        public BufferUse convert(String value) {
            try {
                return byId(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
