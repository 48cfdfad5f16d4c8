package io.zeroheap.bench;

import io.netty.buffer.ByteBuf;
import io.zeroheap.HeapBuffer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The queue of one of {@link AllocateBenchmark}'s hand-over groups, bounded (16 buffers), and its end-of-iteration cleanup.
 * Both methods spin with {@link Thread#yield()} while the queue is full or empty, and give
 * up once JMH stops the measurement, so neither waits for a partner that has stopped.
 */
@State(Scope.Group)
public class HandOver {
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(16);

    /** Hands {@code buffer} over; false if the measurement stopped first (the caller frees it). */
    boolean offer(Object buffer, Control control) {
        while (!queue.offer(buffer)) {
            if (control.stopMeasurement) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /** The next buffer handed over, or null once the measurement has stopped. */
    Object take(Control control) {
        Object next;
        while ((next = queue.poll()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            Thread.yield();
        }
        return next;
    }

    /** Frees what is left in the queue when the iteration ends. */
    @TearDown(Level.Iteration)
    public void freeLeftovers() {
        for (Object next = queue.poll(); next != null; next = queue.poll()) {
            if (next instanceof HeapBuffer buffer) {
                buffer.close();
            } else if (next instanceof ByteBuf buffer) {
                buffer.release();
            }
        }
    }
}
