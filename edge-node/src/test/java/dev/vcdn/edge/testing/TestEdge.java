package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.EdgeProcess;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** One edge, alone in its region, in front of an origin: loopback, ephemeral ports, a cluster of its own. */
public final class TestEdge implements AutoCloseable {

    private final RunningProcess edge;
    private final String scheme;
    private final HttpClient http;

    private TestEdge(RunningProcess edge, Optional<LocalCertificateAuthority> authority) {
        this.edge = edge;
        this.scheme = authority.isPresent() ? "https" : "http";
        HttpClient.Builder client = HttpClient.newBuilder();
        authority.ifPresent(ca -> client.sslContext(ca.trustingContext()));
        this.http = client.build();
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
        return start(originUrls, environment, Optional.empty());
    }

    /**
     * An edge serving HTTPS with a certificate for 127.0.0.1 that {@code authority} issued into
     * {@code dir}; this object's requests trust that authority.
     */
    public static TestEdge startHttps(String originUrls, LocalCertificateAuthority authority, Path dir,
                                      Map<String, String> environment) throws Exception {
        Path certificate = dir.resolve("edge.crt");
        Path key = dir.resolve("edge.key");
        LocalCertificateAuthority.write(authority.issue(List.of("127.0.0.1"), Duration.ofDays(1)), certificate, key);
        Map<String, String> env = new HashMap<>(environment);
        env.put("VCDN_TLS_CERTIFICATE", certificate.toString());
        env.put("VCDN_TLS_KEY", key.toString());
        return start(originUrls, env, Optional.of(authority));
    }

    private static TestEdge start(String originUrls, Map<String, String> environment,
                                  Optional<LocalCertificateAuthority> authority) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", originUrls,
                "VCDN_CLUSTER_NAME", "it-edge-" + UUID.randomUUID(), "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
        env.putAll(environment);
        EdgeProcess process = new EdgeProcess();
        return new TestEdge(ProcessLauncher.start(process, ProcessLauncher.readConfig(process, Optional.empty(), env))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS), authority);
    }

    public int port() {
        return edge.port("http");
    }

    /** The edge's own process, for its other endpoints. */
    public RunningProcess process() {
        return edge;
    }

    public String url() {
        return scheme + "://127.0.0.1:" + port();
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
