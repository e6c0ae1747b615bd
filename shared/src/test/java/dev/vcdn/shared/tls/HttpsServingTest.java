package dev.vcdn.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessVerticle;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.Readiness;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process's HTTP server given a certificate: h2 and http/1.1 by ALPN with the same bodies, the
 * certificate renewed on disk taken by new connections while an open h2 stream goes on, files that
 * cannot serve refused at start (naming the file) and at renewal (the old certificate stays).
 */
class HttpsServingTest {

    private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create("test CA");
    private static final int CHUNKS = 30;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProcessContext process = new ProcessContext("https-test", metrics, new Readiness());

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Serves {@code /hello} and {@code /slow} (a chunk every 100 ms). */
    private final class Server extends ProcessVerticle {
        private final HttpServerConfig config;

        Server(HttpServerConfig config) {
            this.config = config;
        }

        @Override
        public Future<?> start() {
            Router router = Router.router(vertx);
            router.get("/hello").handler(ctx -> ctx.response().end("hello over " + ctx.request().version()));
            router.get("/slow").handler(ctx -> {
                HttpServerResponse response = ctx.response().setChunked(true);
                int[] sent = {0};
                vertx.setPeriodic(100, id -> {
                    response.write("chunk " + sent[0]++ + "\n");
                    if (sent[0] == CHUNKS) {
                        vertx.cancelTimer(id);
                        response.end();
                    }
                });
            });
            return listenHttp(config, router, process);
        }

        @Override
        public List<Endpoint> endpoints() {
            return httpEndpoints();
        }
    }

    private Path certificate() {
        return dir.resolve("live/edge.crt");
    }

    private Path key() {
        return dir.resolve("live/edge.key");
    }

    private HttpServerConfig config() {
        return config("auto");
    }

    private HttpServerConfig config(String engine) {
        return HttpServerConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_HTTP_HOST", "127.0.0.1",
                "VCDN_TLS_CERTIFICATE", certificate().toString(), "VCDN_TLS_KEY", key().toString(), "VCDN_TLS_ENGINE", engine)), 0);
    }

    private int start() throws Exception {
        return start("auto");
    }

    private int start(String engine) throws Exception {
        Server server = new Server(config(engine));
        vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
        return server.endpoints().get(0).port();
    }

    /** A new client, so a new connection: ALPN asking for {@code version}, trusting the test CA only. */
    private HttpClientAgent client(HttpVersion version) {
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(version)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(CA.certificatePem())))
                .setVerifyHost(true));
    }

    private record Answer(HttpVersion version, String body, X509Certificate certificate) {
    }

    private static Answer get(HttpClientAgent client, int port, String path) throws Exception {
        return client.request(HttpMethod.GET, port, "127.0.0.1", path)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Answer(response.version(), body.toString(),
                        peer(response))))
                .await(10, TimeUnit.SECONDS);
    }

    private static X509Certificate peer(HttpClientResponse response) {
        try {
            return (X509Certificate) response.request().connection().peerCertificates().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void bothProtocolsAnswerTheSameOverTls(String engine) throws Exception {
        TlsMaterial first = CA.issue(List.of("edge.example", "127.0.0.1"), Duration.ofDays(90));
        LocalCertificateAuthority.write(first, certificate(), key());
        assertThat(config(engine).tls().orElseThrow().openSsl()).isEqualTo(engine.equals("openssl"));
        int port = start(engine);

        Answer h2 = get(client(HttpVersion.HTTP_2), port, "/hello");
        Answer h1 = get(client(HttpVersion.HTTP_1_1), port, "/hello");
        assertThat(h2.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(h2.body()).isEqualTo("hello over HTTP_2");
        assertThat(h1.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h1.body()).isEqualTo("hello over HTTP_1_1");
        assertThat(h2.certificate()).isEqualTo(first.leaf());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aRenewedCertificateIsTakenByNewConnectionsWhileAnOpenStreamGoesOn(String engine) throws Exception {
        TlsMaterial first = CA.issue(List.of("127.0.0.1"), Duration.ofDays(90));
        LocalCertificateAuthority.write(first, certificate(), key());
        int port = start(engine);
        HttpClientAgent watching = client(HttpVersion.HTTP_2);
        Future<String> slow = watching.request(HttpMethod.GET, port, "127.0.0.1", "/slow")
                .compose(request -> request.send()).compose(HttpClientResponse::body).map(Buffer::toString);

        TlsMaterial renewed = CA.issue(List.of("127.0.0.1"), Duration.ofDays(90));
        LocalCertificateAuthority.write(renewed, certificate(), key());
        X509Certificate seen = awaitCertificate(port, renewed.leaf(), Duration.ofSeconds(10));
        assertThat(seen).as("a new connection gets the renewed certificate").isEqualTo(renewed.leaf());
        assertThat(slow.await(20, TimeUnit.SECONDS).lines()).as("the open stream went on to its end").hasSize(CHUNKS);
        awaitCount("vcdn.tls.reloads", 1);

        // Files that cannot serve: the renewed certificate stays, the failure is counted once.
        Files.writeString(key(), CA.issue(List.of("other"), Duration.ofDays(1)).keyPem());
        Thread.sleep(3 * CertificateReloader.CHECK_EVERY.toMillis());
        assertThat(get(client(HttpVersion.HTTP_2), port, "/hello").certificate()).isEqualTo(renewed.leaf());
        awaitCount("vcdn.tls.reload.failures", 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void onlyForwardSecretAeadSuitesAreSpoken(String engine) throws Exception {
        LocalCertificateAuthority.write(CA.issue(List.of("127.0.0.1"), Duration.ofDays(1)), certificate(), key());
        int port = start(engine);
        assertThat(handshake(port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(handshake(port, "TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEqualTo("TLS_AES_256_GCM_SHA384");
        assertThatThrownBy(() -> handshake(port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
                .as("CBC").isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"))
                .as("CBC with SHA-1").isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    /** A JDK client offering one protocol and one suite: the suite the server took. */
    private static String handshake(int port, String protocol, String suite) throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) CA.trustingContext().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    private void awaitCount(String counter, double expected) throws InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
             metrics.counter(counter).count() < expected && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
        }
        assertThat(metrics.counter(counter).count()).as(counter).isEqualTo(expected);
    }

    @Test
    void filesThatCannotServeStopTheStartNamingTheFile() throws Exception {
        TlsMaterial first = CA.issue(List.of("127.0.0.1"), Duration.ofDays(90));
        LocalCertificateAuthority.write(first, certificate(), key());
        Files.writeString(key(), CA.issue(List.of("other"), Duration.ofDays(1)).keyPem());
        assertThatThrownBy(this::config).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.key: " + key() + ": not the key of the first certificate");
        assertThatThrownBy(() -> HttpServerConfig.read(ConfigSource.ofEnvironment(
                Map.of("VCDN_TLS_CERTIFICATE", certificate().toString())), 0))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.key: missing");
        assertThat(HttpServerConfig.read(ConfigSource.ofEnvironment(Map.of()), 0).scheme()).isEqualTo("http");
    }

    private X509Certificate awaitCertificate(int port, X509Certificate expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        X509Certificate seen = null;
        while (System.nanoTime() < deadline) {
            seen = get(client(HttpVersion.HTTP_2), port, "/hello").certificate();
            if (seen.equals(expected)) {
                return seen;
            }
            Thread.sleep(200);
        }
        return seen;
    }
}
