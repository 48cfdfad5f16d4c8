/**
 * The zeroheap API: heaps that hand out zero-filled off-heap memory, and the deferred free
 * list that moves zeroing off the allocating and freeing threads.
 *
 * <p>Design in one picture (after the Linux dma-buf heaps and their deferred free helper):
 * <pre>
 *   free ──▶ DeferredFreeList ──worker (nice 19)──▶ zero + return to pools
 *                 ▲    │                                      │
 *     Shrinkers ──┘    └── under pressure: straight to the OS  ▼
 *   allocate ◀──────────────────────────────────────── zeroed chunks
 * </pre>
 * Every type here states its thread-safety; sizes are in bytes ({@code byteSize}) or pages
 * ({@code nrPages}) as their names say.
 */
package io.zeroheap;
