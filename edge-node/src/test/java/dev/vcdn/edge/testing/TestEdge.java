package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.EdgeProcess;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** One edge, alone in its region, in front of an origin: loopback, ephemeral ports, a cluster of its own. */
public final class TestEdge implements AutoCloseable {

    private final RunningProcess edge;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestEdge(RunningProcess edge) {
        this.edge = edge;
    }

    public static TestEdge start(int originHttpPort) throws Exception {
        return start("http://127.0.0.1:" + originHttpPort);
    }

    /** @param originUrls the origins, comma-separated, in order of preference */
    public static TestEdge start(String originUrls) throws Exception {
        return start(originUrls, Map.of());
    }

    /** The same, configured further by {@code environment} (VCDN_ variables). */
    public static TestEdge start(String originUrls, Map<String, String> environment) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", originUrls,
                "VCDN_CLUSTER_NAME", "it-edge-" + UUID.randomUUID(), "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
        env.putAll(environment);
        EdgeProcess process = new EdgeProcess();
        return new TestEdge(ProcessLauncher.start(process, ProcessLauncher.readConfig(process, Optional.empty(), env))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    }

    public int port() {
        return edge.port("http");
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Waits (up to 30 s) until {@code path} on this edge answers {@code status}. */
    public void awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.send(HttpRequest.newBuilder(URI.create(url() + path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() != status) {
            assertThat(System.nanoTime()).as("%s answers %d within 30 s", path, status).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** The body of {@code path} on this edge. */
    public String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() throws Exception {
        edge.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
