package io.zeroheap.netty.http;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliberate length bug of {@code /buggy} sends the 4 KiB buffer it wrote 16 bytes of.
 * On Netty's pooled allocator the rest is whatever the memory held: a secret that an earlier
 * request stored and released comes back. On zeroheap it is zeros, always.
 *
 * <p>The servers have one event loop, as the bench does: the pooled allocator caches freed
 * memory per thread, so the secret's memory is reused by the next request on that thread.
 */
class StaleDataTest {

    @Test
    void thePooledAllocatorShouldSendASecretBackOnTheSameConnectionAndAcrossConnections() throws Exception {
        try (HttpServer server = HttpServer.start(HttpServer.Config.loopback("pooled"))) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            StaleBytesProbe.Result sameConnection = StaleBytesProbe.run(base, 50, 1, true);
            assertThat(sameConnection.secretBytes()).as("secret bytes in %s", sameConnection).isPositive();
            StaleBytesProbe.Result eightConnections = StaleBytesProbe.run(base, 25, 8, true);
            assertThat(eightConnections.secretBytes()).as("secret bytes in %s", eightConnections).isPositive();
        }
    }

    @Test
    void zeroheapShouldSendOnlyZerosAfterTheWrittenBytesIn10000BuggyResponses() throws Exception {
        try (HttpServer server = HttpServer.start(HttpServer.Config.loopback("zeroheap"))) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            StaleBytesProbe.Result result = StaleBytesProbe.run(base, 1250, 8, true);
            assertThat(result.responses()).isEqualTo(10_000);
            assertThat(result.staleBytes()).as("stale bytes in %s", result).isZero();
        }
    }
}
