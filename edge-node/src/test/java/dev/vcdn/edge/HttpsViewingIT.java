package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import dev.vcdn.shared.tls.TlsMaterial;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge given a certificate, in front of a real origin (plain HTTP): a player's requests over
 * HTTP/2 on one connection and over HTTP/1.1, both by ALPN, get the origin's bytes; playlists come
 * gzipped, media never; the plain-HTTP port sends clients to HTTPS but answers health checks; a
 * client that opens and resets streams in a loop loses its connection while another plays on; a
 * renewed certificate reaches new viewers without a restart.
 */
class HttpsViewingIT {

    private static final String CHANNEL = "secure";
    private static final LocalCertificateAuthority AUTHORITY = LocalCertificateAuthority.create("it CA");

    private final Vertx vertx = Vertx.vertx();
    private LiveOrigin origin;
    private TestEdge edge;

    @BeforeAll
    static void needsFfmpeg() {
        LiveOrigin.requireFfmpeg();
    }

    @AfterEach
    void stopEverything() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private HttpClientAgent client(HttpVersion version) {
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(version)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(AUTHORITY.certificatePem())))
                .setVerifyHost(true).setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
    }

    private record Answer(HttpVersion version, int status, Map<String, String> headers, Buffer body, HttpConnection connection) {
    }

    private static Answer get(HttpClientAgent client, String path, Map<String, String> headers) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path);
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> answer(response, body)))
                .await(10, TimeUnit.SECONDS);
    }

    /** The body as text, gunzipped when it came gzipped. */
    private static String text(Answer answer) throws java.io.IOException {
        return "gzip".equals(answer.headers().get("content-encoding"))
                ? new String(new GZIPInputStream(new ByteArrayInputStream(answer.body().getBytes())).readAllBytes())
                : answer.body().toString();
    }

    private static Answer answer(HttpClientResponse response, Buffer body) {
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
        return new Answer(response.version(), response.statusCode(), headers, body, response.request().connection());
    }

    @Test
    void playersGetTheOriginsBytesOverBothProtocolsAndAResetFloodCostsOnlyItsConnection(@TempDir Path dir) throws Exception {
        origin = LiveOrigin.start(dir.resolve("origin"), CHANNEL, "426x240", 120);
        edge = TestEdge.startHttps("http://127.0.0.1:" + origin.httpPort(), AUTHORITY, dir, Map.of("VCDN_HTTP_REDIRECT_PORT", "0"));
        edge.awaitStatus("/live/" + CHANNEL + "/master.m3u8", 200);

        HttpClientAgent h2 = client(HttpVersion.HTTP_2);
        HttpClientAgent h1 = client(HttpVersion.HTTP_1_1);
        String masterPath = "/live/" + CHANNEL + "/master.m3u8";
        Answer master = get(h2, masterPath, Map.of("Accept-Encoding", "gzip"));
        assertThat(master.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(master.headers()).containsEntry("content-encoding", "gzip");
        assertThat(master.headers().get("vary")).containsIgnoringCase("accept-encoding");
        String masterText = text(master);
        Answer plainMaster = get(h1, masterPath, Map.of());
        assertThat(plainMaster.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(plainMaster.body().toString()).isEqualTo(masterText);

        Variant variant = PlaylistParser.parseMultivariant(masterText).variants().get(0);
        String renditionPath = "/live/" + CHANNEL + "/" + variant.uri().substring(0, variant.uri().indexOf('/')) + "/";
        Answer media = get(h2, renditionPath + "index.m3u8", Map.of("Accept-Encoding", "gzip"));
        MediaPlaylist playlist = PlaylistParser.parseMedia(text(media));
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); playlist.segments().isEmpty()
                && System.nanoTime() < deadline; TimeUnit.MILLISECONDS.sleep(250)) {
            playlist = PlaylistParser.parseMedia(get(h2, renditionPath + "index.m3u8", Map.of()).body().toString());
        }
        String part = playlist.segments().get(playlist.segments().size() - 1).parts().get(0).uri();
        Answer overH2 = get(h2, renditionPath + part, Map.of("Accept-Encoding", "gzip"));
        Answer overH1 = get(h1, renditionPath + part, Map.of("Accept-Encoding", "gzip"));
        byte[] fromOrigin = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + origin.httpPort() + renditionPath + part)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(overH2.status()).isEqualTo(200);
        assertThat(overH2.headers()).doesNotContainKey("content-encoding");
        assertThat(overH2.body().getBytes()).isEqualTo(fromOrigin);
        assertThat(overH1.body().getBytes()).isEqualTo(fromOrigin);
        assertThat(new HashSet<>(List.of(master.connection(), media.connection(), overH2.connection())))
                .as("one h2 connection").hasSize(1);

        assertRedirectPortSendsToHttps(masterPath);
        assertResetFloodClosesOnlyItsConnection(masterPath, h2);
        assertARenewedCertificateReachesNewViewers(dir, masterPath);
    }

    /** The edge's viewer servers (one per event loop, sharing the port) take a renewed certificate without a restart. */
    private void assertARenewedCertificateReachesNewViewers(Path dir, String path) throws Exception {
        TlsMaterial renewed = AUTHORITY.issue(List.of("127.0.0.1"), java.time.Duration.ofDays(2));
        LocalCertificateAuthority.write(renewed, dir.resolve("edge.crt"), dir.resolve("edge.key"));
        Object seen = null;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); System.nanoTime() < deadline;
             TimeUnit.MILLISECONDS.sleep(250)) {
            seen = get(client(HttpVersion.HTTP_2), path, Map.of()).connection().peerCertificates().get(0);
            if (seen.equals(renewed.leaf())) {
                break;
            }
        }
        assertThat(seen).as("a new connection after the renewal").isEqualTo(renewed.leaf());
    }

    private void assertRedirectPortSendsToHttps(String path) throws Exception {
        int redirectPort = edge.process().port("http-redirect");
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> redirected = plain.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + redirectPort + path + "?x=1")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("location"))
                .contains("https://127.0.0.1:" + edge.port() + path + "?x=1");
        assertThat(plain.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + redirectPort + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** CVE-2023-44487's pattern: open a stream, reset it, again and again, on one connection. */
    private void assertResetFloodClosesOnlyItsConnection(String path, HttpClientAgent player) throws Exception {
        HttpClientAgent abuser = client(HttpVersion.HTTP_2);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        // The first connection's close ends the loop (a client told GOAWAY may open another meanwhile).
        Set<HttpConnection> connections = new HashSet<>();
        int resets = 0;
        for (; resets < 1000 && !closed.isDone(); resets++) {
            Future<Void> reset = abuser.request(HttpMethod.GET, path).compose(request -> {
                HttpConnection connection = request.connection();
                if (connections.add(connection)) {
                    connection.closeHandler(ignored -> closed.complete(null));
                }
                return request.sendHead().compose(ignored -> request.reset());
            });
            try {
                reset.await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                break; // the connection is going away
            }
        }
        closed.get(10, TimeUnit.SECONDS);
        System.out.println("reset flood: the connection was closed after " + resets + " resets");
        assertThat(resets).as("a player's occasional resets are tolerated").isGreaterThan(20);
        assertThat(get(player, path, Map.of()).status()).as("a player plays on").isEqualTo(200);
    }
}
