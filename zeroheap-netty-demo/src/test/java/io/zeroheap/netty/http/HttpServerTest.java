package io.zeroheap.netty.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each endpoint's answer, on every allocator, over HTTP/1.1 on a loopback port. */
class HttpServerTest {

    private static HttpResponse<byte[]> get(HttpClient client, URI base, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zeroheap", "pooled", "adaptive", "unpooled"})
    void everyEndpointShouldAnswerWithItsBody(String allocator) throws Exception {
        try (HttpServer server = HttpServer.start(HttpServer.Config.loopback(allocator));
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            for (String size : new String[] {"1k", "16k", "256k"}) {
                int byteSize = Bodies.byteSize(size);
                for (String kind : new String[] {"/body/", "/zeroed/"}) {
                    HttpResponse<byte[]> response = get(client, base, kind + size);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(byteSize);
                    assertThat(Arrays.mismatch(response.body(), Arrays.copyOf(Bodies.pattern(), byteSize)))
                            .as(kind + size).isEqualTo(-1);
                }
            }
            HttpResponse<String> stored = client.send(HttpRequest.newBuilder(base.resolve("/secret"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.SECRET)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stored.statusCode()).isEqualTo(200);
            assertThat(stored.body()).isEqualTo("stored 4096 bytes\n");

            HttpResponse<byte[]> buggy = get(client, base, "/buggy");
            assertThat(buggy.statusCode()).isEqualTo(200);
            assertThat(buggy.body()).hasSize(4096).startsWith(Bodies.BUGGY_HEAD);

            HttpResponse<byte[]> stats = get(client, base, "/admin/stats");
            assertThat(new String(stats.body())).startsWith("allocator=" + allocator + " in_use=").contains(" held=");

            assertThat(get(client, base, "/body/2k").statusCode()).isEqualTo(404);
            assertThat(get(client, base, "/nothing").statusCode()).isEqualTo(404);
            assertThat(server.transport()).isIn("epoll", "nio");
        }
    }

    @Test
    void theNioTransportShouldServeToo() throws Exception {
        try (HttpServer server = HttpServer.start(new HttpServer.Config("zeroheap", "127.0.0.1", 0, 2, "nio"));
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(server.transport()).isEqualTo("nio");
            HttpResponse<byte[]> response = get(client, URI.create("http://127.0.0.1:" + server.port()), "/body/16k");
            assertThat(response.body()).hasSize(16 * 1024);
        }
    }

    @Test
    void badSettingsShouldBeRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> HttpServer.Config.loopback("jemalloc")).hasMessageContaining("jemalloc")
                .hasMessageContaining("zeroheap");
        assertThatThrownBy(() -> new HttpServer.Config("pooled", "127.0.0.1", 70000, 1, "auto"))
                .hasMessageContaining("port: 70000");
        assertThatThrownBy(() -> new HttpServer.Config("pooled", "127.0.0.1", 0, 0, "auto"))
                .hasMessageContaining("eventLoops: 0");
        assertThatThrownBy(() -> new HttpServer.Config("pooled", "127.0.0.1", 0, 1, "io_uring"))
                .hasMessageContaining("io_uring");
    }
}
