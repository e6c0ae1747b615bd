package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it. */
class EdgeJarIT {

    private static final Path JAR = Path.of("target/edge-node.jar");

    @Test
    void startsServesAndStopsOnSigterm() throws Exception {
        // A stand-in origin with the access rules (nothing private): the edge is ready once it has them.
        com.sun.net.httpserver.HttpServer origin = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] rules = AccessPolicy.OPEN.toJson().encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        origin.createContext(AccessPolicy.DOCUMENT_PATH, exchange -> {
            exchange.sendResponseHeaders(200, rules.length);
            exchange.getResponseBody().write(rules);
            exchange.close();
        });
        origin.start();
        try {
            JarLifecycle.startServeAndStop(JAR, "edge", Map.of(
                    "VCDN_REGION", "eu",
                    "VCDN_ORIGIN_URL", "http://127.0.0.1:" + origin.getAddress().getPort(),
                    "VCDN_CLUSTER_NAME", "it-" + UUID.randomUUID(),
                    "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void refusesABadOriginUrlWithOneLine() throws Exception {
        JarLifecycle.refusesBadValue(JAR, "edge", "VCDN_ORIGIN_URL", "origin:8080", "origin.url");
    }

    @Test
    void refusesAKeyOfAnotherCertificateWithOneLineNamingIt(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create("jar CA");
        LocalCertificateAuthority.write(authority.issue(List.of("127.0.0.1"), Duration.ofDays(1)), dir.resolve("edge.crt"),
                dir.resolve("edge.key"));
        Files.writeString(dir.resolve("edge.key"), authority.issue(List.of("other"), Duration.ofDays(1)).keyPem());
        try (LaunchedJar edge = LaunchedJar.start(JAR, Map.of("VCDN_TLS_CERTIFICATE", dir.resolve("edge.crt").toString(),
                "VCDN_TLS_KEY", dir.resolve("edge.key").toString()))) {
            assertThat(edge.awaitExit(JarLifecycle.START_TIMEOUT)).isEqualTo(2);
            assertThat(edge.output().lines().toList()).singleElement().asString()
                    .startsWith("edge: bad config: tls.key: " + dir.resolve("edge.key") + ": not the key of the first certificate");
        }
    }

    /** Debian's curl, as an operator checks a node: HTTP/2 by ALPN, the playlist gzipped. */
    @Test
    void answersCurlOverHttp2WithAGzippedPlaylist(@TempDir Path dir) throws Exception {
        LiveOrigin.requireFfmpeg();
        LocalCertificateAuthority authority = LocalCertificateAuthority.create("jar CA");
        LocalCertificateAuthority.write(authority.issue(List.of("127.0.0.1"), Duration.ofDays(1)), dir.resolve("edge.crt"),
                dir.resolve("edge.key"));
        Files.writeString(dir.resolve("ca.pem"), authority.certificatePem());
        try (LiveOrigin origin = LiveOrigin.start(dir.resolve("origin"), "curl", "426x240", 60);
             LaunchedJar edge = LaunchedJar.start(JAR, Map.of("VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0",
                     "VCDN_ORIGIN_URL", "http://127.0.0.1:" + origin.httpPort(),
                     "VCDN_CLUSTER_NAME", "it-" + UUID.randomUUID(), "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next()),
                     "VCDN_TLS_CERTIFICATE", dir.resolve("edge.crt").toString(), "VCDN_TLS_KEY", dir.resolve("edge.key").toString()))) {
            int port = edge.awaitStarted(JarLifecycle.START_TIMEOUT).get("http");
            String url = "https://127.0.0.1:" + port + "/live/curl/master.m3u8";
            String head = "";
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); !head.startsWith("HTTP/2 200")
                    && System.nanoTime() < deadline; TimeUnit.MILLISECONDS.sleep(250)) {
                head = curl("--http2", "--cacert", dir.resolve("ca.pem").toString(), "-H", "Accept-Encoding: gzip",
                        "-s", "-D", "-", "-o", "/dev/null", url);
            }
            assertThat(head).startsWith("HTTP/2 200");
            assertThat(head.toLowerCase()).contains("content-encoding: gzip").contains("vary: accept-encoding");
        }
    }

    private static String curl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl"));
        command.addAll(List.of(arguments));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
