package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.RecordingPipeline.Recording;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.InProcessOrigin;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHIP against the origin in-process, with a Java publisher written from the RFCs
 * ({@link WhipTestPublisher}): the HTTP exchange, ICE, DTLS-SRTP, RTP with losses answered by
 * NACK, garbage on the port, and what reaches the pipeline. Headless Chromium publishes in
 * {@code WhipPublishIT}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class WhipIngestTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private InProcessOrigin origin;

    @TempDir
    Path dataDir;

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext test) {
        InProcessOrigin.deploy(vertx, dataDir, Map.of("VCDN_WHIP_CONNECT_TIMEOUT", "2s"))
                .onComplete(test.succeeding(deployed -> {
                    origin = deployed;
                    test.completeNow();
                }));
    }

    @Test
    void aPublisherGoesLiveAndThePipelineGetsEveryFrameDespiteLossAndGarbage(Vertx vertx, VertxTestContext test) {
        vertx.executeBlocking(() -> {
            String key = origin.createChannel("webrtc").toCompletionStage().toCompletableFuture().get();
            Path flv = TestSources.flv(dataDir, "whip", "320x180", 25, 25, 4, "libopus", 0);
            List<MediaPacket> sent = FlvFile.packets(flv);
            int nacksAnswered;
            JsonArray whileLive;
            try (WhipTestPublisher publisher = new WhipTestPublisher()) {
                HttpResponse<String> answer = post(key, "application/sdp", publisher.offer());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/sdp");
                assertThat(answer.headers().firstValue("ETag")).isPresent();
                String location = answer.headers().firstValue("Location").orElseThrow();
                assertThat(location).matches("/whip/live/[0-9a-f]{32}");
                publisher.connect(answer.body());
                sendGarbage(publisher);
                // The network loses every 23rd video packet once; the publisher resends what is NACKed.
                publisher.stream(sent, index -> index % 23 == 5);
                whileLive = origin.streams().toCompletionStage().toCompletableFuture().get();
                Thread.sleep(300); // the last NACKs' answers
                nacksAnswered = publisher.nacksAnswered();
                assertThat(delete(location).statusCode()).isEqualTo(200);
            }
            Recording recording = origin.pipeline().recordings().get(0);
            recording.ended().get(10, TimeUnit.SECONDS);
            awaitNoDtlsThreads();
            JsonArray after = origin.streams().toCompletionStage().toCompletableFuture().get();
            return List.of(sent, recording, nacksAnswered, whileLive, after);
        }).onComplete(test.succeeding(results -> test.verify(() -> {
            @SuppressWarnings("unchecked")
            List<MediaPacket> sent = (List<MediaPacket>) results.get(0);
            Recording recording = (Recording) results.get(1);
            assertThat(recording.grant().channel().value()).isEqualTo("webrtc");
            assertThat((Integer) results.get(2)).as("NACKed packets resent").isPositive();
            assertThat(((JsonArray) results.get(3)).getJsonObject(0).getString("channel")).isEqualTo("webrtc");
            assertThat((JsonArray) results.get(4)).as("gone after DELETE").isEmpty();

            List<MediaPacket> video = recording.packets().stream().filter(p -> p.codec() == Codec.H264).toList();
            List<MediaPacket> sentVideo = sent.stream().filter(p -> p.codec() == Codec.H264).toList();
            assertThat(video.get(0).isConfig()).isTrue();
            assertThat(video.get(0).payload().toByteArray()).isEqualTo(sentVideo.get(0).payload().toByteArray());
            List<MediaPacket> frames = video.stream().filter(p -> !p.isConfig()).toList();
            List<MediaPacket> sentFrames = sentVideo.stream().filter(p -> !p.isConfig()).toList();
            assertThat(frames).as("every frame, lost packets recovered").hasSameSizeAs(sentFrames);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).payload().toByteArray()).as("frame %d intact", i)
                        .isEqualTo(sentFrames.get(i).payload().toByteArray());
                assertThat(frames.get(i).keyframe()).isEqualTo(sentFrames.get(i).keyframe());
                if (i > 0) {
                    assertThat(millis(frames.get(i)) - millis(frames.get(i - 1))).as("frame spacing").isEqualTo(40);
                }
            }
            List<MediaPacket> audio = recording.packets().stream().filter(p -> p.codec() == Codec.OPUS).toList();
            assertThat(audio.get(0).isConfig()).as("OpusHead first").isTrue();
            List<MediaPacket> opus = audio.subList(1, audio.size());
            List<MediaPacket> sentOpus = sent.stream().filter(p -> p.codec() == Codec.OPUS && !p.isConfig()).toList();
            assertThat(opus).hasSameSizeAs(sentOpus);
            for (int i = 1; i < opus.size(); i++) {
                assertThat(opus.get(i).payload().toByteArray()).isEqualTo(sentOpus.get(i).payload().toByteArray());
                assertThat(millis(opus.get(i)) - millis(opus.get(0))).as("Opus frame %d on the sender's clock", i)
                        .isEqualTo(millis(sentOpus.get(i)) - millis(sentOpus.get(0)));
            }
            assertThat(Math.abs(millis(opus.get(0)) - millis(frames.get(0)))).as("audio and video start together")
                    .isLessThan(100);
            assertThat(origin.metrics().counter("vcdn.ingest.whip.nacked.packets").count()).isPositive();
            assertThat(origin.metrics().counter("vcdn.ingest.whip.refused.packets").count()).as("forged SRTP").isPositive();
            assertThat(origin.metrics().counter("vcdn.ingest.whip.lost.packets").count()).isZero();
            test.completeNow();
        })));
    }

    @Test
    void aPublisherWhoseCertificateIsNotTheOffersIsRefusedInTheHandshake(Vertx vertx, VertxTestContext test) {
        vertx.executeBlocking(() -> {
            String key = origin.createChannel("impostor").toCompletionStage().toCompletableFuture().get();
            try (WhipTestPublisher impostor = new WhipTestPublisher().advertisingAnotherCertificate()) {
                HttpResponse<String> answer = post(key, "application/sdp", impostor.offer());
                assertThat(answer.statusCode()).isEqualTo(201);
                assertThatThrownBy(() -> impostor.connect(answer.body())).as("DTLS refused").isInstanceOf(IOException.class);
            }
            origin.pipeline().recordings().get(0).ended().get(10, TimeUnit.SECONDS);
            awaitNoDtlsThreads();
            return origin.streams().toCompletionStage().toCompletableFuture().get();
        }).onComplete(test.succeeding(after -> test.verify(() -> {
            assertThat(after).as("the session ended with the handshake, the channel is free").isEmpty();
            assertThat(origin.pipeline().recordings().get(0).packets()).isEmpty();
            test.completeNow();
        })));
    }

    @Test
    void answersEveryRequestOfTheWhipResourceAsRfc9725Says(Vertx vertx, VertxTestContext test) {
        vertx.executeBlocking(() -> {
            String key = origin.createChannel("http").toCompletionStage().toCompletableFuture().get();
            String offer = new WhipTestPublisher().offer();
            HttpResponse<String> options = send(HttpRequest.newBuilder(whipUrl())
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(options.statusCode()).isEqualTo(204);
            assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(options.headers().firstValue("Accept-Post")).hasValue("application/sdp");
            assertThat(post(key, "text/plain", offer).statusCode()).isEqualTo(415);
            HttpResponse<String> noKey = send(HttpRequest.newBuilder(whipUrl()).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(offer)));
            assertThat(noKey.statusCode()).isEqualTo(401);
            assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(post("sk_wrong", "application/sdp", offer).statusCode()).isEqualTo(401);
            HttpResponse<String> garbage = post(key, "application/sdp", "v=0\r\nm=video junk\r\n");
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(garbage.body()).contains("unusable offer");
            assertThat(origin.streams().toCompletionStage().toCompletableFuture().get()).as("no channel claimed").isEmpty();

            HttpResponse<String> created = post(key, "application/sdp", offer);
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(post(key, "application/sdp", offer).statusCode()).as("already live").isEqualTo(409);
            String location = created.headers().firstValue("Location").orElseThrow();
            String etag = created.headers().firstValue("ETag").orElseThrow();
            String candidate = "a=candidate:1 1 udp 2130706431 192.0.2.9 50000 typ host\r\n";
            assertThat(patch(location, "application/sdp", etag, candidate).statusCode()).isEqualTo(415);
            assertThat(patch(location, "application/trickle-ice-sdpfrag", "\"other\"", candidate).statusCode()).isEqualTo(412);
            String ufrag = offer.replaceAll("(?s).*a=ice-ufrag:([^\r\n]+).*", "$1");
            assertThat(patch(location, "application/trickle-ice-sdpfrag", etag,
                    "a=ice-ufrag:" + ufrag + "\r\n" + candidate).statusCode()).as("trickle").isEqualTo(204);
            assertThat(patch(location, "application/trickle-ice-sdpfrag", etag,
                    "a=ice-ufrag:restart1\r\na=ice-pwd:" + "x".repeat(24) + "\r\n").statusCode()).as("ICE restart").isEqualTo(422);
            assertThat(delete("/whip/live/" + "0".repeat(32)).statusCode()).isEqualTo(404);

            // Nobody connects: the session is dropped after whip.connect-timeout and the channel is free again.
            origin.pipeline().recordings().get(0).ended().get(10, TimeUnit.SECONDS);
            awaitNoDtlsThreads();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!origin.streams().toCompletionStage().toCompletableFuture().get().isEmpty()) {
                assertThat(System.nanoTime()).as("registry entry released").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(delete(location).statusCode()).as("DELETE of a session that already ended").isEqualTo(200);
            assertThat(post(key, "application/sdp", offer).statusCode()).as("the channel is free again").isEqualTo(201);
            return null;
        }).onComplete(test.succeedingThenComplete());
    }

    /** Noise of every first-byte class (STUN, DTLS, RTP) from a stranger, and forged SRTP from the publisher's address. */
    private void sendGarbage(WhipTestPublisher publisher) throws Exception {
        Random random = new Random(11);
        InetSocketAddress whip = new InetSocketAddress("127.0.0.1", origin.port("whip"));
        try (DatagramSocket stranger = new DatagramSocket()) {
            for (int i = 0; i < 600; i++) {
                byte[] noise = new byte[1 + random.nextInt(1400)];
                random.nextBytes(noise);
                noise[0] = (byte) new int[] {0, 1, 22, 23, 128, 144, 200}[i % 7];
                stranger.send(new DatagramPacket(noise, noise.length, whip));
            }
        }
        for (int i = 0; i < 50; i++) {
            byte[] forged = SrtpContextTest.rtp(40_000 + i, "forged packet " + i);
            forged = java.util.Arrays.copyOf(forged, forged.length + 10);
            forged[1] = (byte) WhipTestPublisher.VIDEO_PT;
            publisher.sendRaw(forged);
        }
    }

    /** Each session's DTLS thread ends with it. */
    private static void awaitNoDtlsThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("whip-dtls-"))) {
            assertThat(System.nanoTime()).as("DTLS threads ended").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long millis(MediaPacket packet) {
        return packet.timeBase().rescale(packet.pts(), TimeBase.MILLISECONDS);
    }

    private URI whipUrl() {
        return URI.create("http://127.0.0.1:" + origin.port("http") + "/whip/live");
    }

    private HttpResponse<String> post(String key, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(whipUrl()).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> patch(String location, String contentType, String ifMatch, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port("http") + location))
                .header("Content-Type", contentType).header("If-Match", ifMatch)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> delete(String location) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port("http") + location)).DELETE());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
