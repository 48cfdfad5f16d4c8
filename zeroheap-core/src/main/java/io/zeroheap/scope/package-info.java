/**
 * Scopes for {@link io.zeroheap.HeapBuffer}s: buffers are grouped into generations that share
 * one shared {@link java.lang.foreign.Arena}, which the deferred-free worker closes once every
 * buffer of the generation is closed; only then is their memory recycled. Closing a shared
 * arena costs 45-60 µs here and stalls every thread, so it is paid once per generation, on the
 * worker, instead of once per buffer on the caller.
 *
 * <p>Cost model: a generation is sealed after {@code generationMaxBuffers} buffers or
 * {@code generationMaxBytes} bytes, or when the worker is idle and the generation has freed
 * buffers waiting; the worker then pays one shared close per generation. Worst case: one
 * long-lived buffer pins the chunks of every other buffer of its generation (at most
 * {@code generationMaxBytes} plus one buffer) until it is closed; under pressure the
 * {@link io.zeroheap.scope.PinnedChunkPurger} gives those pages back with
 * {@code MADV_DONTNEED}, so pinning then costs address space, not memory. Not exported.
 */
package io.zeroheap.scope;
