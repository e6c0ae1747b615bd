package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ingest.RecordingPipeline;
import dev.vcdn.origin.ingest.RecordingPipeline.Recording;
import dev.vcdn.origin.testing.InProcessOrigin;
import dev.vcdn.origin.testing.Publisher;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real ffmpeg publishes over RTMP to the origin; the pipeline sees exactly what was sent. */
@ExtendWith(VertxExtension.class)
class RtmpIngestTest {

    private InProcessOrigin origin;
    private RecordingPipeline pipeline;

    @TempDir
    Path dataDir;

    private Future<Void> deploy(Vertx vertx, Map<String, String> env) {
        return InProcessOrigin.deploy(vertx, dataDir, env).map(deployed -> {
            origin = deployed;
            pipeline = deployed.pipeline();
            return null;
        });
    }

    /** The bundled ffmpeg's test pattern over RTMP. */
    private List<String> testPattern(String key, int seconds) {
        return Publisher.testPattern(Publisher.bundledFfmpeg(), seconds, "rtmp://127.0.0.1:" + origin.port("rtmp") + "/live/" + key);
    }

    private Future<Publisher.Result> publishTestPattern(Vertx vertx, String key, int seconds) {
        return InProcessOrigin.publish(vertx, testPattern(key, seconds));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void packetsArriveIntactAndTheStreamIsListedWhileLive(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of()).compose(deployed -> origin.publishOnNewChannel(vertx, "alice", key -> testPattern(key, 4)))
                .onComplete(test.succeeding(publish -> test.verify(() -> {
                    assertThat(publish.publisher().exitCode()).as(publish.publisher().output()).isZero();

                    JsonObject live = publish.whileLive().getJsonObject(0);
                    assertThat(live.getString("channel")).isEqualTo("alice");
                    assertThat(live.getString("state")).isEqualTo("live");
                    assertThat(live.getJsonObject("source").getInteger("width")).isEqualTo(320);
                    assertThat(live.getJsonObject("source").getInteger("height")).isEqualTo(180);
                    assertThat(live.getString("startedAt")).isNotBlank();
                    assertThat(live.getJsonArray("renditions")).contains("source");
                    assertThat(publish.after()).as("gone once the publisher left").isEmpty();
                    assertThat(publish.recording().grant().channel().value()).isEqualTo("alice");
                    assertPacketsIntact(publish.recording().packets());
                    test.completeNow();
                })));
    }

    private static void assertPacketsIntact(List<MediaPacket> packets) {
        List<MediaPacket> video = packets.stream().filter(p -> p.kind() == MediaKind.VIDEO).toList();
        List<MediaPacket> audio = packets.stream().filter(p -> p.kind() == MediaKind.AUDIO).toList();
        assertThat(video.get(0).isConfig()).as("AVC decoder configuration first").isTrue();
        assertThat(video.get(0).codec()).isEqualTo(Codec.H264);
        assertThat(video.get(0).payload().byteAt(0)).as("configurationVersion 1").isEqualTo((byte) 1);
        assertThat(audio.get(0).isConfig()).as("AudioSpecificConfig first").isTrue();
        assertThat(audio.get(0).codec()).isEqualTo(Codec.AAC);

        List<MediaPacket> frames = video.stream().filter(p -> !p.isConfig()).toList();
        assertThat(frames).hasSize(100); // 4 s at 25 fps
        assertThat(frames.get(0).keyframe()).isTrue();
        assertThat(frames.stream().filter(MediaPacket::keyframe).count()).as("a keyframe each second").isEqualTo(4);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).keyframe()).as("frame %d", i).isEqualTo(i % 25 == 0);
        }
        assertThat(frames.stream().map(MediaPacket::dts).toList()).as("decode order").isSorted().doesNotHaveDuplicates();
        assertThat(frames.stream().filter(p -> p.compositionOffset() > 0).count()).as("B-frames reorder").isPositive();
        assertThat(frames.get(frames.size() - 1).dts() - frames.get(0).dts()).isBetween(3900L, 4000L);
        // AAC at 44.1 kHz: 1024 samples a frame, about 172 frames in 4 s.
        assertThat(audio.stream().filter(p -> !p.isConfig()).count()).isBetween(165L, 180L);
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aWrongKeyAndASecondPublisherAreRefused(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of()).compose(deployed -> origin.createChannel("bob")).compose(key -> {
            Future<Publisher.Result> first = publishTestPattern(vertx, key, 4);
            Future<Publisher.Result> second = vertx.timer(1500).compose(ignored -> publishTestPattern(vertx, key, 1));
            Future<Publisher.Result> wrong = publishTestPattern(vertx, "sk_not-a-key", 1);
            return Future.all(first, second, wrong).map(done -> List.of(first.result(), second.result(), wrong.result()));
        }).onComplete(test.succeeding(results -> test.verify(() -> {
            assertThat(results.get(0).exitCode()).as(results.get(0).output()).isZero();
            assertThat(results.get(1).exitCode()).as(results.get(1).output()).isNotZero();
            assertThat(results.get(1).output()).contains("this channel is already live");
            assertThat(results.get(2).exitCode()).isNotZero();
            assertThat(results.get(2).output()).contains("unknown stream key");
            assertThat(pipeline.recordings()).as("only the first publisher got a pipeline").hasSize(1);
            test.completeNow();
        })));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aPipelineThatFailsEndsThePublishInsteadOfLeavingTheChannelListed(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of()).compose(deployed -> {
            pipeline.failAfter(20);
            return origin.createChannel("broken");
        }).compose(key -> publishTestPattern(vertx, key, 8))
                .compose(result -> origin.streams().map(streams -> List.of(result, streams)))
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    Publisher.Result publisher = (Publisher.Result) results.get(0);
                    assertThat(publisher.exitCode()).as("the server closed the connection: " + publisher.output()).isNotZero();
                    assertThat((JsonArray) results.get(1)).as("the channel is no longer listed").isEmpty();
                    assertThat(pipeline.recordings().get(0).ended()).isCompleted();
                    test.completeNow();
                })));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aPipelineThatCannotStartGivesTheChannelBack(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of()).compose(deployed -> {
            pipeline.failToStart(1);
            return origin.createChannel("retry");
        }).compose(key -> publishTestPattern(vertx, key, 1)
                .compose(refused -> origin.streams().map(streams -> List.<Object>of(refused, streams)))
                .compose(first -> publishTestPattern(vertx, key, 1).map(second -> List.of(first.get(0), first.get(1), second))))
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    Publisher.Result refused = (Publisher.Result) results.get(0);
                    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
                    assertThat((JsonArray) results.get(1)).as("not left listed").isEmpty();
                    Publisher.Result again = (Publisher.Result) results.get(2);
                    assertThat(again.exitCode()).as("the channel was not left claimed: " + again.output()).isZero();
                    assertThat(pipeline.recordings()).hasSize(1);
                    test.completeNow();
                })));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void aPublisherFasterThanRealTimeIsPacedNotBuffered(Vertx vertx, VertxTestContext test) {
        long[] started = new long[1];
        deploy(vertx, Map.of()).compose(deployed -> origin.createChannel("fast")).compose(key -> {
            List<String> noRealTime = testPattern(key, 8);
            noRealTime.remove("-re");
            started[0] = System.nanoTime();
            return InProcessOrigin.publish(vertx, noRealTime);
        }).compose(result -> Future.fromCompletionStage(pipeline.recordings().get(0).ended()).map(result))
                .onComplete(test.succeeding(result -> test.verify(() -> {
                    long tookMillis = (System.nanoTime() - started[0]) / 1_000_000;
                    assertThat(result.exitCode()).as(result.output()).isZero();
                    // 8 s of media may run at most 3 s ahead of the wall clock: the origin takes it in over 5 s or
                    // more (the rest waits in the socket buffers, or blocks the publisher), never all at once.
                    assertThat(tookMillis).as("8 s of media sent as fast as possible").isGreaterThanOrEqualTo(4500);
                    assertThat(pipeline.recordings().get(0).packets().stream().filter(p -> p.kind() == MediaKind.VIDEO).count())
                            .as("paced, nothing dropped").isEqualTo(201);
                    test.completeNow();
                })));
    }

    @Test
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void rtmpsCarriesTheSameStreamOverTls(Vertx vertx, VertxTestContext test) {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        deploy(vertx, Map.of("VCDN_RTMPS_PORT", "0", "VCDN_RTMPS_CERTIFICATE", certificate.certificatePath(),
                "VCDN_RTMPS_KEY", certificate.privateKeyPath()))
                .compose(deployed -> origin.createChannel("secure"))
                .compose(key -> InProcessOrigin.publish(vertx, Publisher.testPattern(Publisher.bundledFfmpeg(), 2,
                        "rtmps://127.0.0.1:" + origin.port("rtmps") + "/live/" + key)))
                .onComplete(test.succeeding(result -> test.verify(() -> {
                    assertThat(result.exitCode()).as(result.output()).isZero();
                    assertThat(pipeline.recordings()).singleElement().satisfies(recording -> {
                        assertThat(recording.grant().channel().value()).isEqualTo("secure");
                        assertThat(recording.packets()).hasSizeGreaterThan(50);
                    });
                    test.completeNow();
                })));
    }

    @Test
    @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
    void enhancedRtmpCarriesAv1AndVp9(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of()).compose(deployed -> origin.createChannel("modern")).compose(key -> {
            return InProcessOrigin.publish(vertx, withVideoEncoder(testPattern(key, 2), "libsvtav1", "-preset", "12"))
                    .compose(av1 -> Future.fromCompletionStage(pipeline.recordings().get(0).ended()).map(av1))
                    .compose(av1 -> InProcessOrigin.publish(vertx, withVideoEncoder(testPattern(key, 2),
                            "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8")).map(vp9 -> List.of(av1, vp9)));
        }).onComplete(test.succeeding(results -> test.verify(() -> {
            assertThat(results.get(0).exitCode()).as(results.get(0).output()).isZero();
            assertThat(results.get(1).exitCode()).as(results.get(1).output()).isZero();
            assertThat(videoCodecs(pipeline.recordings().get(0).packets())).containsOnly(Codec.AV1);
            assertThat(videoCodecs(pipeline.recordings().get(1).packets())).containsOnly(Codec.VP9);
            for (Recording recording : pipeline.recordings()) {
                List<MediaPacket> video = recording.packets().stream().filter(p -> p.kind() == MediaKind.VIDEO).toList();
                assertThat(video.get(0).isConfig()).as("sequence start first").isTrue();
                assertThat(video.get(1).keyframe()).isTrue();
                assertThat(video.stream().filter(p -> !p.isConfig()).count()).isEqualTo(50);
            }
            test.completeNow();
        })));
    }

    private static List<String> withVideoEncoder(List<String> command, String encoder, String... options) {
        int at = command.indexOf("libx264");
        command.set(at, encoder);
        command.remove(command.indexOf("-preset") + 1);
        command.remove("-preset");
        command.remove(command.indexOf("-bf") + 1);
        command.remove("-bf");
        command.addAll(at + 1, List.of(options));
        return command;
    }

    private static List<Codec> videoCodecs(List<MediaPacket> packets) {
        return packets.stream().filter(p -> p.kind() == MediaKind.VIDEO).map(MediaPacket::codec).distinct().toList();
    }

    @Test
    void connectionsPerAddressAreLimited(Vertx vertx, VertxTestContext test) {
        deploy(vertx, Map.of("VCDN_RTMP_MAX_CONNECTIONS_PER_ADDRESS", "2")).compose(deployed -> {
            var netClient = vertx.createNetClient();
            int rtmp = origin.port("rtmp");
            return Future.all(netClient.connect(rtmp, "127.0.0.1"), netClient.connect(rtmp, "127.0.0.1"))
                    .compose(two -> netClient.connect(origin.port("rtmp"), "127.0.0.1"))
                    .compose(third -> {
                        io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
                        third.closeHandler(closed::complete);
                        return closed.future();
                    });
        }).onComplete(test.succeedingThenComplete());
    }
}
