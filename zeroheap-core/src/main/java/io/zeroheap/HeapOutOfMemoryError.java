package io.zeroheap;

/**
 * A heap could not satisfy an allocation within its budget or from the OS, even after
 * reclaiming what its shrinkers could. The message names the heap, the size asked, the budget
 * and what was in use, pooled and pending.
 */
public final class HeapOutOfMemoryError extends OutOfMemoryError {

    private static final long serialVersionUID = 1L;

    /** Creates the error with its full message. */
    public HeapOutOfMemoryError(String message) {
        super(message);
    }
}
