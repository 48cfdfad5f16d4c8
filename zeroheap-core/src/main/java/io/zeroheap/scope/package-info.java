/**
 * Scopes for {@link io.zeroheap.HeapBuffer}s: buffers are grouped into generations that share
 * one shared {@link java.lang.foreign.Arena}, closed once every buffer of the generation is
 * closed; only then is their memory recycled, so a stale segment can never reach it. A
 * shared close is a handshake with every thread of the JVM (tens of microseconds with one
 * thread running, milliseconds with more runnable threads than cores), so it is paid once per
 * generation, off the allocating threads where possible, instead of once per buffer. Not
 * exported.
 *
 * <p>Per CPU: a generation has one {@link io.zeroheap.scope.Lease} per CPU, through which the
 * buffers allocated on that CPU join it and their chunks wait when closed, so allocating and
 * closing on two cores never write a shared cache line.
 *
 * <p>When a generation is sealed: when its lease on one CPU passes
 * {@code generationMaxBuffers} or {@code generationMaxBytes} and the generation has lived
 * {@link io.zeroheap.scope.Generations#minAgeNanos()} (10 ms, or twenty times what recent
 * closes took); at once past twice the byte limit; when the CPU its closed buffers were
 * allocated on idles (its idle zeroer asks), or the deferred-free worker idles, and it has
 * lived that long; and whenever a drain, a reclaim or an allocation that finds freed chunks
 * piling up needs its memory. The sealed generation retires when its last buffer closes: the
 * worker (or a thread that needs the memory) closes its scope, and its chunks go back, dirty,
 * to the pool of the CPU each buffer was last closed on, to be zeroed there.
 *
 * <p>Worst case: one long-lived buffer pins the chunks of every other buffer of its
 * generation (at most twice {@code generationMaxBytes} per CPU plus one buffer) until it
 * is closed; under pressure the {@link io.zeroheap.scope.PinnedChunkPurger} gives those pages
 * back with {@code MADV_DONTNEED}, so pinning then costs address space, not memory.
 */
package io.zeroheap.scope;
