/**
 * The operating system, reached through {@code java.lang.foreign} downcalls: memory
 * ({@code mmap}, {@code munmap}, {@code madvise}, a critical {@code memset}, behind
 * {@link io.zeroheap.os.MemorySource}, with a portable source on {@code Arena}), and native
 * thread ids and niceness on Linux. Every entry point degrades to a documented "not
 * available" answer instead of failing where the platform or the native-access policy does
 * not allow it. Not exported.
 */
package io.zeroheap.os;
