package io.zeroheap.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of zeroed chunks on their way back to a {@link PagePool}: freeing threads
 * push (one CAS); a thread holding the pool's lock takes them all at once (one swap), so
 * there is no ABA. Padded so that the pushing worker and the allocating threads, which write
 * the pool's lock and counters, do not share a cache line (see {@link PagePool}).
 *
 * <p>Thread-safe.
 */
final class ReturnStack extends ReturnStackFields {

    @SuppressWarnings("unused")
    private long pad10, pad11, pad12, pad13, pad14, pad15, pad16, pad17;

    ReturnStack() {
    }

    /** Pushes a chunk. Lock-free. */
    void push(Chunk chunk) {
        Chunk head;
        do {
            head = this.head;
            chunk.nextReturned = head;
        } while (!HEAD.compareAndSet(this, head, chunk));
        PAGES.getAndAdd(this, chunk.nrPages());
    }

    /** Takes every chunk pushed so far, newest first, linked by {@link Chunk#nextReturned}. */
    Chunk takeAll() {
        Chunk taken = (Chunk) HEAD.getAndSet(this, (Chunk) null);
        long pages = 0;
        for (Chunk chunk = taken; chunk != null; chunk = chunk.nextReturned) {
            pages += chunk.nrPages();
        }
        if (pages != 0) {
            PAGES.getAndAdd(this, -pages);
        }
        return taken;
    }

    /** Pages on the stack; may lag a push or take in flight. */
    long pagesEstimate() {
        return (long) PAGES.getOpaque(this);
    }
}

/** Padding before the hot fields (class-hierarchy padding, as JCTools does). */
abstract class ReturnStackPad {
    @SuppressWarnings("unused")
    private long pad00, pad01, pad02, pad03, pad04, pad05, pad06, pad07;
}

/** The hot fields of {@link ReturnStack}. */
abstract class ReturnStackFields extends ReturnStackPad {
    static final VarHandle HEAD;
    static final VarHandle PAGES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(ReturnStackFields.class, "head", Chunk.class);
            PAGES = lookup.findVarHandle(ReturnStackFields.class, "pages", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile Chunk head;
    volatile long pages;
}
