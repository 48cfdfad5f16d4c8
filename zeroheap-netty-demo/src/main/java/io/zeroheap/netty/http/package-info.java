/**
 * A small Netty HTTP/1.1 server for comparing allocators ({@link io.zeroheap.netty.http.HttpServer}):
 * bodies built into freshly allocated buffers, the same with a {@code setZero} first, a
 * request body stored and released, and a deliberate length bug that sends 4 KiB of a buffer
 * it wrote 16 bytes of, so whatever the allocator left in the rest goes out
 * ({@link io.zeroheap.netty.http.StaleBytesProbe} counts it). Not published: run by
 * {@code scripts/http-bench.sh} and the tests.
 */
package io.zeroheap.netty.http;
