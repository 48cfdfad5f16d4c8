package io.zeroheap.netty.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The stale-data demonstration, as a client: on each of {@code connections} connections
 * (an HTTP client each), {@code rounds} times, {@code POST /secret} with {@link Bodies#SECRET}
 * then {@code GET /buggy}, and count the bytes of each buggy response past the 16 it wrote:
 * {@link Result#staleBytes} those that are not zero, {@link Result#secretBytes} those equal to
 * the secret's byte at that index.
 *
 * <p>{@code java -cp ... io.zeroheap.netty.http.StaleBytesProbe http://127.0.0.1:8080 [rounds] [connections]}
 * prints one line, {@code stale_bytes=N secret_bytes=M responses=R}.
 *
 * <p>Thread-safe: {@link #run} uses clients and threads of its own.
 */
public final class StaleBytesProbe {

    /**
     * What the buggy responses carried.
     *
     * @param responses   buggy responses read
     * @param staleBytes  bytes past the written 16 that were not zero
     * @param secretBytes of those, bytes equal to the secret's at their index
     */
    public record Result(long responses, long staleBytes, long secretBytes) {

        /** Adds two results. */
        Result plus(Result other) {
            return new Result(responses + other.responses, staleBytes + other.staleBytes,
                    secretBytes + other.secretBytes);
        }
    }

    private StaleBytesProbe() {
    }

    /**
     * Runs the demonstration against the server at {@code base}.
     *
     * @param base        the server, e.g. {@code http://127.0.0.1:8080}
     * @param rounds      secret-then-buggy rounds per connection, {@code >= 0}
     * @param connections parallel connections, {@code >= 1}
     * @param sendSecret  whether each round posts the secret first (false: only the buggy
     *                    requests, e.g. to count what a load left behind)
     * @throws IOException          if a request fails or a response is not 200 with 4096 bytes
     * @throws InterruptedException if interrupted
     */
    public static Result run(URI base, int rounds, int connections, boolean sendSecret)
            throws IOException, InterruptedException {
        if (rounds < 0 || connections < 1) {
            throw new IllegalArgumentException("rounds: " + rounds + ", connections: " + connections
                    + " (expected: rounds >= 0, connections >= 1)");
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(connections)) {
            List<Future<Result>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                results.add(threads.submit(() -> oneConnection(base, rounds, sendSecret)));
            }
            Result total = new Result(0, 0, 0);
            for (Future<Result> result : results) {
                try {
                    total = total.plus(result.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
            return total;
        }
    }

    private static Result oneConnection(URI base, int rounds, boolean sendSecret) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest secret = HttpRequest.newBuilder(base.resolve("/secret"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.SECRET)).build();
            HttpRequest buggy = HttpRequest.newBuilder(base.resolve("/buggy")).GET().build();
            long stale = 0;
            long secretBytes = 0;
            for (int i = 0; i < rounds; i++) {
                if (sendSecret) {
                    HttpResponse<Void> stored = client.send(secret, HttpResponse.BodyHandlers.discarding());
                    if (stored.statusCode() != 200) {
                        throw new IOException("POST /secret: status " + stored.statusCode());
                    }
                }
                byte[] body = client.send(buggy, HttpResponse.BodyHandlers.ofByteArray()).body();
                if (body.length != Bodies.BUGGY_BYTES) {
                    throw new IOException("GET /buggy: " + body.length + " bytes (expected: " + Bodies.BUGGY_BYTES + ")");
                }
                for (int j = Bodies.BUGGY_HEAD.length; j < body.length; j++) {
                    if (body[j] != 0) {
                        stale++;
                        if (body[j] == Bodies.SECRET[j]) {
                            secretBytes++;
                        }
                    }
                }
            }
            return new Result(rounds, stale, secretBytes);
        }
    }

    /** Runs the probe (see the class doc); exit code 2 for bad arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: StaleBytesProbe http://HOST:PORT [rounds per connection, 100] [connections, 8]");
            System.exit(2);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Result result = run(URI.create(args[0]), rounds, connections, true);
        System.out.println("stale_bytes=" + result.staleBytes() + " secret_bytes=" + result.secretBytes()
                + " responses=" + result.responses());
    }
}
