package io.zeroheap.os;

/**
 * The operating system refused memory ({@code mmap} failed, typically with {@code ENOMEM}).
 * Heaps catch it, reclaim what their shrinkers can and retry once before failing with an
 * {@link OutOfMemoryError}.
 */
public final class MemoryRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the request and the OS's answer. */
    public MemoryRefusedException(String message) {
        super(message);
    }
}
