/**
 * {@link java.lang.foreign.Arena}s whose memory comes from a zeroheap heap: segments are
 * scoped by a JDK arena of the same kind (confined or shared), so the whole Arena contract
 * holds, and {@code close()} ends that scope before handing the chunks back for deferred
 * freeing. Small allocations are sliced from shared chunks. A heap keeps its open shared
 * arenas in {@link io.zeroheap.arena.SharedArenas}, so that its close ends them. Not exported.
 */
package io.zeroheap.arena;
