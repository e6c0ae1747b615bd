package dev.vcdn.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.http.HttpServers;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process connecting to an HTTPS server whose certificate a private CA issued: trusted with tls.ca, refused without. */
class ClientTlsConfigTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aPrivateAuthorityIsTrustedBesideTheJdksOnlyWhenConfigured() throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create("private CA");
        LocalCertificateAuthority.write(authority.issue(List.of("127.0.0.1"), Duration.ofDays(1)), dir.resolve("server.crt"),
                dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.pem"), authority.certificatePem());
        HttpServerConfig https = HttpServerConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_HTTP_HOST", "127.0.0.1",
                "VCDN_TLS_CERTIFICATE", dir.resolve("server.crt").toString(), "VCDN_TLS_KEY", dir.resolve("server.key").toString())), 0);
        HttpServer server = vertx.createHttpServer(HttpServers.options(https)).requestHandler(request -> request.response().end("ok"))
                .listen().await(10, TimeUnit.SECONDS);

        ClientTlsConfig trusting = ClientTlsConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_TLS_CA", dir.resolve("ca.pem").toString())));
        assertThat(trusting.authorities()).containsExactly(authority.certificate());
        assertThat(status(trusting, server.actualPort())).isEqualTo(200);
        ClientTlsConfig jdkOnly = ClientTlsConfig.read(ConfigSource.ofEnvironment(Map.of()));
        assertThatThrownBy(() -> status(jdkOnly, server.actualPort())).as("an unknown authority is refused").hasStackTraceContaining("unable to find valid certification path");
    }

    @Test
    void aCaFileThatCannotBeReadStopsTheStartNamingIt() {
        assertThatThrownBy(() -> ClientTlsConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_TLS_CA", dir.resolve("none.pem").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.ca: " + dir.resolve("none.pem") + ": no such file");
    }

    private int status(ClientTlsConfig trust, int port) throws Exception {
        HttpClientAgent client = vertx.createHttpClient(trust.apply(new HttpClientOptions().setSsl(true).setVerifyHost(true)));
        return client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(request -> request.send())
                .map(HttpClientResponse::statusCode).await(10, TimeUnit.SECONDS);
    }
}
