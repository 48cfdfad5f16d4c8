/**
 * The operating system, reached through {@code java.lang.foreign} downcalls: native thread
 * ids and thread niceness on Linux. Every entry point degrades to a documented "not
 * available" answer instead of failing where the platform or the native-access policy does
 * not allow it. Not exported.
 */
package io.zeroheap.os;
