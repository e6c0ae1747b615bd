package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ingest.webrtc.WhipTestPublisher;
import dev.vcdn.origin.testing.Publisher;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two origins in one Hazelcast cluster: a stream published to one is listed and played from the other. */
@ExtendWith(VertxExtension.class)
class OriginClusterTest {

    private static final String ADMIN_TOKEN = "cluster-admin-token-0123456789";

    /** Origins A and B in a new cluster of their own, B started once A runs; over HTTPS given an authority. */
    private record TwoOrigins(Future<RunningProcess> a, Future<RunningProcess> b) {

        static TwoOrigins start(Path dataDir) {
            return start(dataDir, Map.of());
        }

        static TwoOrigins start(Path dataDir, Map<String, String> extraEnv) {
            String cluster = "origins-" + UUID.randomUUID();
            int portA = FreePorts.next();
            int portB = FreePorts.next();
            Future<RunningProcess> a = origin(cluster, portA, portB, dataDir.resolve("a"), extraEnv);
            return new TwoOrigins(a, a.compose(ignored -> origin(cluster, portB, portA, dataDir.resolve("b"), extraEnv)));
        }

        /** Stops whichever started. */
        Future<Void> stop() {
            return Future.join(b.succeeded() ? b.result().stop() : Future.succeededFuture(),
                    a.succeeded() ? a.result().stop() : Future.succeededFuture()).mapEmpty();
        }
    }

    /** The environment of origins serving HTTPS with a certificate of {@code authority} for 127.0.0.1, trusting it. */
    private static Map<String, String> https(LocalCertificateAuthority authority, Path dir) throws Exception {
        LocalCertificateAuthority.write(authority.issue(List.of("127.0.0.1"), Duration.ofDays(1)), dir.resolve("origin.crt"),
                dir.resolve("origin.key"));
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), authority.certificatePem());
        return Map.of("VCDN_TLS_CERTIFICATE", dir.resolve("origin.crt").toString(), "VCDN_TLS_KEY", dir.resolve("origin.key").toString(),
                "VCDN_TLS_CA", dir.resolve("ca.pem").toString());
    }

    private static Future<RunningProcess> origin(String cluster, int port, int peer, Path dataDir, Map<String, String> extraEnv) {
        OriginProcess definition = new OriginProcess();
        Map<String, String> env = new HashMap<>(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_RTMP_HOST", "127.0.0.1", "VCDN_RTMP_PORT", "0",
                "VCDN_DATA_DIR", dataDir.toString(), "VCDN_ADMIN_TOKEN", ADMIN_TOKEN,
                "VCDN_CLUSTER_NAME", cluster, "VCDN_CLUSTER_PORT", Integer.toString(port),
                "VCDN_CLUSTER_MEMBERS", "127.0.0.1:" + peer));
        env.put("VCDN_SRT_HOST", "127.0.0.1");
        env.put("VCDN_SRT_PORT", "0");
        env.put("VCDN_WHIP_HOST", "127.0.0.1");
        env.put("VCDN_WHIP_PORT", "0");
        env.putAll(extraEnv);
        OriginConfig config = ProcessLauncher.readConfig(definition, Optional.empty(), env);
        return ProcessLauncher.start(definition, config);
    }

    /** Kept here: Vert.x closes a client nothing refers to, with its connections. */
    private WebSocketClient webSockets;

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void anyOriginServesAStreamAnotherOriginHolds(Vertx vertx, VertxTestContext test, @TempDir Path dataDir) {
        servesAcrossOrigins(vertx, test, TwoOrigins.start(dataDir), WebClient.create(vertx), new WebSocketClientOptions());
    }

    /** The same over HTTPS: the origins relay events, playlists and the built-in auth call to each other over TLS. */
    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void anyOriginServesAStreamAnotherOriginHoldsOverHttps(Vertx vertx, VertxTestContext test, @TempDir Path dataDir)
            throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create("origins CA");
        PemTrustOptions trust = new PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(authority.certificatePem()));
        servesAcrossOrigins(vertx, test, TwoOrigins.start(dataDir, https(authority, dataDir)),
                WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustOptions(trust)),
                new WebSocketClientOptions().setSsl(true).setTrustOptions(trust));
    }

    private void servesAcrossOrigins(Vertx vertx, VertxTestContext test, TwoOrigins origins, WebClient client,
                                     WebSocketClientOptions socketOptions) {
        Future<RunningProcess> a = origins.a();
        Future<RunningProcess> b = origins.b();
        // An edge follows alice on origin B before alice goes live (on A): the events must still come.
        List<OriginEvent> eventsViaB = new java.util.concurrent.CopyOnWriteArrayList<>();
        webSockets = vertx.createWebSocketClient(socketOptions.setMaxMessageSize(16 << 20));
        b.compose(ignored -> webSockets.connect(b.result().port("http"), "127.0.0.1", "/events"))
                .onSuccess(socket -> {
                    socket.binaryMessageHandler(message -> eventsViaB.add(EventCodec.decode(message)));
                    socket.writeTextMessage(EventCodec.encode(new OriginEvent.Subscription(
                            List.of(ChannelName.of("alice")), List.of())));
                })
                .compose(ignored -> client.post(a.result().port("http"), "127.0.0.1", "/api/channels")
                        .bearerTokenAuthentication(ADMIN_TOKEN).sendJsonObject(new JsonObject().put("name", "alice")))
                .compose(created -> {
                    String url = "rtmp://127.0.0.1:" + a.result().port("rtmp") + "/live/"
                            + created.bodyAsJsonObject().getString("streamKey");
                    Future<Publisher.Result> publishing = vertx.executeBlocking(() -> Publisher.run(
                            Publisher.testPattern(Publisher.bundledFfmpeg(), 10, url), 60), false);
                    int httpB = b.result().port("http");
                    Future<List<String>> fromB = vertx.timer(7000).compose(live -> Future.all(
                            bodyOf(client, httpB, "/api/streams"),
                            bodyOf(client, httpB, "/live/alice/master.m3u8"),
                            bodyOf(client, httpB, "/live/alice/160p/index.m3u8"))
                            .map(all -> List.of(all.<String>resultAt(0), all.<String>resultAt(1), all.<String>resultAt(2))));
                    return Future.all(publishing, fromB).map(all -> fromB.result());
                })
                .eventually(origins::stop)
                .onComplete(test.succeeding(bodies -> test.verify(() -> {
                    JsonObject stream = new JsonArray(bodies.get(0)).getJsonObject(0);
                    assertThat(stream.getString("channel")).isEqualTo("alice");
                    assertThat(stream.getString("node")).as("held by the other origin").endsWith(":" + a.result().port("http"));
                    assertThat(PlaylistParser.parseMultivariant(bodies.get(1)).variants()).hasSize(2);
                    assertThat(PlaylistParser.parseMedia(bodies.get(2)).segments()).isNotEmpty();
                    assertThat(eventsViaB).as("events of a channel followed on B before it went live on A")
                            .anyMatch(OriginEvent.PartReady.class::isInstance);
                    test.completeNow();
                })));
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void aWhipSessionAnsweredByOneOriginIsEndedThroughAnother(Vertx vertx, VertxTestContext test, @TempDir Path dataDir) {
        WebClient client = WebClient.create(vertx);
        TwoOrigins origins = TwoOrigins.start(dataDir);
        Future<RunningProcess> a = origins.a();
        Future<RunningProcess> b = origins.b();
        b.compose(ignored -> client.post(a.result().port("http"), "127.0.0.1", "/api/channels")
                        .bearerTokenAuthentication(ADMIN_TOKEN).sendJsonObject(new JsonObject().put("name", "carol")))
                .compose(created -> client.post(a.result().port("http"), "127.0.0.1", "/whip/live")
                        .putHeader("Content-Type", "application/sdp")
                        .bearerTokenAuthentication(created.bodyAsJsonObject().getString("streamKey"))
                        .sendBuffer(io.vertx.core.buffer.Buffer.buffer(chromiumOffer())))
                .compose(answered -> {
                    assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(201);
                    String location = answered.getHeader("Location");
                    int httpB = b.result().port("http");
                    // A load balancer sends the publisher's DELETE (or PATCH) to origin B.
                    return client.patch(httpB, "127.0.0.1", location).putHeader("Content-Type", "application/trickle-ice-sdpfrag")
                            .sendBuffer(io.vertx.core.buffer.Buffer.buffer("a=end-of-candidates\r\n"))
                            .compose(patched -> client.delete(httpB, "127.0.0.1", location).send()
                                    .compose(deleted -> client.delete(httpB, "127.0.0.1", "/whip/live/" + "0".repeat(32)).send()
                                            .map(unknown -> List.of(patched.statusCode(), deleted.statusCode(), unknown.statusCode()))));
                })
                .compose(statuses -> vertx.timer(500).compose(waited -> bodyOf(client, a.result().port("http"), "/api/streams"))
                        .map(streams -> List.of(statuses, streams)))
                .eventually(origins::stop)
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    assertThat(results.get(0)).as("PATCH, DELETE through B; DELETE of no session").isEqualTo(List.of(204, 200, 404));
                    assertThat(new JsonArray((String) results.get(1))).as("the stream on A ended").isEmpty();
                    test.completeNow();
                })));
    }

    private static String chromiumOffer() {
        try {
            return WhipTestPublisher.chromiumOffer();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Future<String> bodyOf(WebClient client, int port, String path) {
        return client.get(port, "127.0.0.1", path).send().map(response -> {
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response.bodyAsString();
        });
    }
}
