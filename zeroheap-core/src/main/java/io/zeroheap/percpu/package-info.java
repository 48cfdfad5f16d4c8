/**
 * Per-CPU pools of small chunks and the idle zeroers that keep them clean: where a heap
 * arena's memory goes when the arena closes, and where the next allocation of its size on the
 * same CPU finds it. Not exported.
 *
 * <h2>Why</h2>
 * The cost that counts is the cost of using a buffer, not of getting it. A chunk that fits in
 * one core's level-2 cache and was just freed on that core is still in that cache: zeroing it
 * there is a cache-speed {@code memset}, and the next user's writes hit the cache. Handing it
 * to a worker on another core instead moves every line to that core and back: the program then
 * pays more to fill the buffer than the allocator saved by not zeroing it. Larger chunks come
 * from memory whichever core touched them last, and for them the deferred-free worker on the
 * other core is a plain gain; they keep the shared path.
 *
 * <h2>What is zeroed where</h2>
 * <ul>
 *   <li>A closed arena's chunk of a kept class goes, dirty, onto the dirty stack of the pool of
 *       the CPU that closed it ({@code CpuPool.offer}: a try-lock, one CAS), if that pool has
 *       room.</li>
 *   <li>When that CPU has nothing else to run, its {@code IdleZeroer} ({@code SCHED_IDLE},
 *       bound to the CPU) zeroes the dirty chunks and hands them back clean: the CPU's idle
 *       time pays, and the chunks are warm in its cache for the next burst of allocations.</li>
 *   <li>An allocation on the CPU takes the most recently zeroed clean chunk; if there is none
 *       (the CPU never idled: a sustained loop, or every CPU busy), it takes the most recently
 *       freed dirty chunk and zeroes it itself, at cache speed, as {@code malloc} + {@code memset}
 *       on a just-freed block would. Only if the pool has neither does it go to the shared
 *       pools.</li>
 * </ul>
 * No allocation or free ever waits for a zeroer (a busy lock sends the caller to the shared
 * pools), and no chunk is ever handed out dirty: every path out of a pool zeroes it or hands it
 * on marked dirty.
 *
 * <h2>What it costs</h2>
 * Memory: up to {@code cpuPoolBytes} per CPU that allocates; classes unused for a decay tick go
 * back to the shared pools, and pressure gives the CPU pools back to the OS first. CPU: one
 * zeroer thread per CPU in the process, shared by every heap; it polls each 0.5 ms for 50 ms
 * after its last work, then waits until a free wakes it.
 */
package io.zeroheap.percpu;
