package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.codec.CodecStrings;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packager as producers use it from their own threads: a rendition that goes down leaves the
 * multivariant playlist and comes back after a discontinuity; a producer that ends after the
 * stream has no effect on what was served.
 */
class PackagerOutputTest {

    @TempDir
    static Path files;
    /** 4 s of 320x180 H.264, a keyframe every second. */
    static List<MediaPacket> video;
    static MediaPacket configuration;

    private Vertx vertx;
    private Context context;
    private Packages packages;
    private final List<OriginEvent> published = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void record() throws Exception {
        List<MediaPacket> all = FlvFile.packets(TestSources.flv(files, "video", "320x180", 25, 25, 4));
        video = all.stream().filter(p -> p.kind() == MediaKind.VIDEO && !p.isConfig()).toList();
        configuration = all.stream().filter(p -> p.kind() == MediaKind.VIDEO && p.isConfig()).findFirst().orElseThrow();
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        PackageEvents events = new PackageEvents() {
            @Override
            public void publish(OriginEvent event) {
                published.add(event);
            }

            @Override
            public boolean followed(ChannelName channel) {
                return true;
            }
        };
        PackagingSettings settings = new PackagingSettings(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30));
        packages = new Packages(context, settings, settings, events);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RenditionInfo rendition(String id) {
        return new RenditionInfo(RenditionId.of(id), MediaKind.VIDEO, Codec.H264,
                CodecStrings.avc(configuration.payload().toByteArray()), 320, 180, 25, 400, 600,
                Optional.of(configuration.payload()));
    }

    /** Reads the packages on their event loop, after everything posted to it so far. */
    private <T> T onLoop(Function<ChannelPackage, T> read) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                result.complete(read.apply(packages.get(ChannelName.of("alice")).orElseThrow()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private List<String> variants() throws Exception {
        return onLoop(p -> p.multivariant().map(m -> m.variants().stream().map(Variant::uri).toList()).orElse(List.of()));
    }

    private MediaPlaylist playlist(String rendition) throws Exception {
        return onLoop(p -> PlaylistParser.parseMedia(p.playlist(p.rendition(RenditionId.of(rendition)).orElseThrow(), false)));
    }

    @Test
    void aRenditionThatGoesDownLeavesTheMultivariantPlaylistAndComesBackAfterADiscontinuity() throws Exception {
        PackagerOutput output = new PackagerOutput(packages,
                new PublishGrant(ChannelName.of("alice"), StreamId.random(), ChannelFeatures.standard()));
        output.rendition(rendition("high"));
        output.rendition(rendition("low"));
        for (MediaPacket packet : video.subList(0, 40)) {
            output.packet(RenditionId.of("high"), packet);
            output.packet(RenditionId.of("low"), packet);
        }
        assertThat(variants()).containsExactlyInAnyOrder("high/index.m3u8", "low/index.m3u8");

        output.renditionDown(RenditionId.of("low"), "encoder failed");
        assertThat(variants()).as("players are moved off the rendition that is down").containsExactly("high/index.m3u8");
        MediaPlaylist whileDown = playlist("low");
        assertThat(whileDown.segments()).as("what it had delivered is complete: its last part and segment")
                .hasSize(2).allSatisfy(s -> assertThat(s.discontinuity()).isFalse());
        assertThat(whileDown.pendingParts()).isEmpty();
        String high = onLoop(p -> p.playlist(p.rendition(RenditionId.of("high")).orElseThrow(), false));
        assertThat(high).as("no rendition report for it").doesNotContain("../low/index.m3u8");

        output.rendition(rendition("low")); // restarted with the same encoding
        for (MediaPacket packet : video.subList(40, video.size())) {
            output.packet(RenditionId.of("high"), packet);
            output.packet(RenditionId.of("low"), packet); // from frame 50, the next keyframe, on
        }
        output.renditionEnd(RenditionId.of("high"));
        output.renditionEnd(RenditionId.of("low"));
        output.end();

        MediaPlaylist after = playlist("low");
        assertThat(after.endList()).isTrue();
        List<Segment> segments = after.segments();
        assertThat(segments).extracting(Segment::msn).containsExactly(0L, 1L, 2L, 3L);
        assertThat(segments).extracting(Segment::discontinuity).containsExactly(false, false, true, false);
        assertThat(segments.get(1).duration()).as("the segment cut short by the failure").isLessThan(1.0);
        assertThat(variants()).containsExactlyInAnyOrder("high/index.m3u8", "low/index.m3u8");
        assertThat(playlist("high").segments()).extracting(Segment::discontinuity).containsOnly(false);
    }

    @Test
    void everyPartAPushedPlaylistHintsComesToExist() throws Exception {
        PackagerOutput output = new PackagerOutput(packages,
                new PublishGrant(ChannelName.of("alice"), StreamId.random(), ChannelFeatures.standard()));
        output.rendition(rendition("low"));
        video.forEach(packet -> output.packet(RenditionId.of("low"), packet));
        output.renditionEnd(RenditionId.of("low"));
        output.end();
        playlist("low"); // everything posted so far has run

        List<String> parts = published.stream().filter(OriginEvent.PartReady.class::isInstance).map(OriginEvent.PartReady.class::cast)
                .map(part -> part.msn() + "." + part.part() + ".m4s").toList();
        List<String> hints = published.stream().filter(OriginEvent.PlaylistUpdate.class::isInstance)
                .map(OriginEvent.PlaylistUpdate.class::cast)
                .flatMap(update -> PlaylistParser.parseMedia(update.playlist()).preloadHint().stream()).toList();
        assertThat(parts).hasSizeGreaterThan(15);
        String last = parts.get(parts.size() - 1);
        String afterTheEnd = (Long.parseLong(last.substring(0, last.indexOf('.'))) + 1) + ".0.m4s";
        assertThat(hints).as("a hint never names a part after the last of its segment")
                .isSubsetOf(java.util.stream.Stream.concat(parts.stream(), java.util.stream.Stream.of(afterTheEnd)).toList());
    }

    @Test
    void aRenditionComingBackWithAnotherEncodingStaysDown() throws Exception {
        PackagerOutput output = new PackagerOutput(packages,
                new PublishGrant(ChannelName.of("alice"), StreamId.random(), ChannelFeatures.standard()));
        output.rendition(rendition("low"));
        video.subList(0, 30).forEach(packet -> output.packet(RenditionId.of("low"), packet));
        output.renditionDown(RenditionId.of("low"), "encoder failed");
        RenditionInfo other = rendition("low");
        output.rendition(new RenditionInfo(other.id(), other.kind(), other.codec(), other.codecString(), 640, 360, 25, 800,
                1200, other.configuration()));
        video.subList(30, video.size()).forEach(packet -> output.packet(RenditionId.of("low"), packet));

        assertThat(variants()).as("its init segment would no longer describe it").isEmpty();
        assertThat(playlist("low").segments()).hasSize(2);
        output.renditionEnd(RenditionId.of("low"));
        output.end();
    }

    @Test
    void aProducerEndingAfterTheStreamChangesNothingThatWasServed() throws Exception {
        PackagerOutput output = new PackagerOutput(packages,
                new PublishGrant(ChannelName.of("alice"), StreamId.random(), ChannelFeatures.standard()));
        output.rendition(rendition("low"));
        video.subList(0, 30).forEach(packet -> output.packet(RenditionId.of("low"), packet));
        output.end(); // the transcoder gave up waiting for this producer
        MediaPlaylist ended = playlist("low");
        assertThat(ended.endList()).isTrue();

        // The producer returns from its native call, delivers what it still had, and ends its rendition.
        video.subList(30, 60).forEach(packet -> output.packet(RenditionId.of("low"), packet));
        output.renditionEnd(RenditionId.of("low"));
        assertThat(playlist("low")).as("nothing added after ENDLIST").isEqualTo(ended);
        long partsAfterEnd = published.stream().filter(e -> e instanceof OriginEvent.StreamEnded).count();
        assertThat(partsAfterEnd).isEqualTo(1);
    }
}
