package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.codec.CodecStrings;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.BroadcastRecord;
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
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.Instant;
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
 * multivariant playlist, its missing time becomes gaps aligned with the other renditions'
 * segments, and it comes back without a discontinuity; a producer that ends after the stream has
 * no effect on what was served.
 */
class PackagerOutputTest {

    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    static Path files;
    /** 4 s of 320x180 H.264, a keyframe every second. */
    static List<MediaPacket> video;
    static MediaPacket configuration;

    private Vertx vertx;
    private Context context;
    private Packages packages;
    private final List<OriginEvent> published = new CopyOnWriteArrayList<>();
    private final List<ChannelName> handedOver = new CopyOnWriteArrayList<>();
    private BroadcastLedger ledger;

    @BeforeAll
    static void record() throws Exception {
        List<MediaPacket> all = FlvFile.packets(TestSources.flv(files, "video", "320x180", 25, 25, 4));
        video = all.stream().filter(p -> p.kind() == MediaKind.VIDEO && !p.isConfig()).toList();
        configuration = all.stream().filter(p -> p.kind() == MediaKind.VIDEO && p.isConfig()).findFirst().orElseThrow();
    }

    @BeforeEach
    void start() {
        packagesWithGrace(Duration.ZERO);
    }

    /** The packages of an origin whose broadcasts wait {@code grace} for their publisher to come back. */
    private void packagesWithGrace(Duration grace) {
        if (vertx != null) {
            vertx.close();
        }
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

            @Override
            public void handedOver(ChannelName channel) {
                handedOver.add(channel);
            }
        };
        PackagingSettings settings = new PackagingSettings(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30));
        ledger = new BroadcastLedger(vertx, () -> "http://origin-a");
        packages = new Packages(context, settings, settings, grace, events, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), ledger,
                Recorder.NONE, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
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
    void aRenditionThatGoesDownLeavesGapsAlignedWithTheOthersAndComesBackWithoutADiscontinuity() throws Exception {
        PackagerOutput output = new PackagerOutput(packages,
                new PublishGrant(ChannelName.of("alice"), StreamId.random(), ChannelFeatures.standard()));
        output.rendition(rendition("high"));
        output.rendition(rendition("low"));
        for (MediaPacket packet : video.subList(0, 35)) {
            output.packet(RenditionId.of("high"), packet);
            output.packet(RenditionId.of("low"), packet);
        }
        assertThat(variants()).containsExactlyInAnyOrder("high/index.m3u8", "low/index.m3u8");

        output.renditionDown(RenditionId.of("low"), "encoder failed"); // at frame 35, 1.4 s in
        assertThat(variants()).as("players are moved off the rendition that is down").containsExactly("high/index.m3u8");
        MediaPlaylist whileDown = playlist("low");
        assertThat(whileDown.segments()).hasSize(1);
        assertThat(whileDown.pendingParts()).as("what it delivered up to the failure").isNotEmpty()
                .noneMatch(dev.vcdn.shared.hls.Part::gap);
        assertThat(whileDown.preloadHint()).as("nothing hinted while it is down").isEmpty();
        String high = onLoop(p -> p.playlist(p.rendition(RenditionId.of("high")).orElseThrow(), false));
        assertThat(high).as("no rendition report for it").doesNotContain("../low/index.m3u8");

        // Down for two keyframes (2 s and 3 s), back at 4 s: its rung reports each boundary it missed.
        for (MediaPacket packet : video.subList(35, 100)) {
            output.packet(RenditionId.of("high"), packet);
            if (packet.keyframe() && packet.dts() - video.get(0).dts() < 3_000) {
                // The rendition cuts segments at decode times; a rung without B-frames has them equal to the pictures'.
                output.skipped(RenditionId.of("low"), packet.dts());
            } else if (packet.keyframe() && packet.dts() - video.get(0).dts() == 3_000) {
                output.rendition(rendition("low")); // restarted with the same encoding, at a keyframe
            }
            if (packet.dts() - video.get(0).dts() >= 3_000) {
                output.packet(RenditionId.of("low"), packet);
            }
        }
        output.renditionEnd(RenditionId.of("high"));
        output.renditionEnd(RenditionId.of("low"));
        output.end();

        MediaPlaylist low = playlist("low");
        MediaPlaylist higher = playlist("high");
        assertThat(low.endList()).isTrue();
        assertThat(low.segments()).extracting(Segment::msn).as("numbered as the other rendition")
                .containsExactlyElementsOf(higher.segments().stream().map(Segment::msn).toList());
        assertThat(low.segments()).extracting(Segment::duration).as("lasting what the other rendition's do")
                .containsExactlyElementsOf(higher.segments().stream().map(Segment::duration).toList());
        assertThat(low.segments()).extracting(Segment::gap).containsExactly(false, false, true, false);
        assertThat(low.segments()).extracting(Segment::discontinuity).containsOnly(false);
        assertThat(low.segments().get(1).parts()).as("the failure at 1.4 s: media, then gap parts")
                .anyMatch(part -> !part.gap()).anyMatch(dev.vcdn.shared.hls.Part::gap);
        assertThat(low.segments().get(2).parts()).as("no part of the gap segment longer than PART-TARGET")
                .allMatch(part -> part.gap() && part.duration() <= 0.2);
        assertThat(variants()).containsExactlyInAnyOrder("high/index.m3u8", "low/index.m3u8");
        assertThat(dev.vcdn.shared.hls.PlaylistRules.violations(low)).isEmpty();
    }

    /** A publish whose media time 0 is {@code clock} on the wall clock. */
    private PackagerOutput publish(StreamId stream, List<MediaPacket> packets, Instant clock) {
        PackagerOutput output = new PackagerOutput(packages, new PublishGrant(ChannelName.of("alice"), stream,
                ChannelFeatures.standard()));
        output.mediaClock(clock);
        output.rendition(rendition("low"));
        packets.forEach(packet -> output.packet(RenditionId.of("low"), packet));
        return output;
    }

    private static void end(PackagerOutput output) {
        output.renditionEnd(RenditionId.of("low"));
        output.end();
    }

    @Test
    void aPublisherBackWithinTheGraceContinuesTheBroadcastAfterADiscontinuity() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        StreamId first = StreamId.random();
        end(publish(first, video.subList(0, 50), T0));
        MediaPlaylist waiting = playlist("low");
        assertThat(waiting.endList()).as("no end while the publisher may come back").isFalse();
        assertThat(waiting.preloadHint()).as("nothing hinted while no one publishes").isEmpty();
        OriginEvent.PlaylistUpdate lastPushed = published.stream().filter(OriginEvent.PlaylistUpdate.class::isInstance)
                .map(OriginEvent.PlaylistUpdate.class::cast).reduce((a, b) -> b).orElseThrow();
        assertThat(PlaylistParser.parseMedia(lastPushed.playlist()).preloadHint())
                .as("the edges are told too (a hinted next segment would inherit the old init segment)").isEmpty();
        assertThat(variants()).as("the broadcast is still offered").containsExactly("low/index.m3u8");

        // The encoder reconnects: a new publish, with its own stream id and timestamps from 0 again.
        StreamId second = StreamId.random();
        end(publish(second, video, T0.plusSeconds(5)));

        MediaPlaylist playlist = playlist("low");
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(playlist.segments()).extracting(Segment::discontinuity).containsExactly(false, false, true, false, false, false);
        assertThat(playlist.segments().get(2).map()).as("the new publish's init segment, under a name of its own")
                .contains("init-2.mp4");
        Optional<io.vertx.core.buffer.Buffer> newInit =
                onLoop(p -> p.rendition(RenditionId.of("low")).orElseThrow().window().initSegment("init-2.mp4"));
        assertThat(newInit).isPresent();
        assertThat(published).as("the edges see one broadcast going on").noneMatch(OriginEvent.StreamEnded.class::isInstance)
                .allMatch(event -> event.streamId().equals(first));
        assertThat(published).filteredOn(OriginEvent.Init.class::isInstance).extracting(e -> ((OriginEvent.Init) e).firstMsn())
                .as("each told with its first part").containsExactly(java.util.OptionalLong.of(0), java.util.OptionalLong.of(2));
        int newInitEvent = published.indexOf(published.stream().filter(OriginEvent.Init.class::isInstance).skip(1).findFirst().orElseThrow());
        assertThat(published.get(newInitEvent + 1)).as("just before the part that needs it").isInstanceOf(OriginEvent.PartReady.class);
        assertThat(dev.vcdn.shared.hls.PlaylistRules.violations(playlist)).isEmpty();
    }

    private static final ChannelName ALICE = ChannelName.of("alice");

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The ledger's record of alice once {@code condition} holds for it (within 10 s). */
    private BroadcastRecord recordWhen(java.util.function.Predicate<BroadcastRecord> condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<BroadcastRecord> record = await(ledger.find(ALICE));
        while (record.filter(condition).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            record = await(ledger.find(ALICE));
        }
        assertThat(record).as("the ledger's record of alice").isPresent().get().matches(condition);
        return record.get();
    }

    /** Origin B's record of alice's broadcast. */
    private static BroadcastRecord recordOfB(StreamId broadcast, long discontinuities, long nextMsn, boolean waiting) {
        return new BroadcastRecord(ALICE, broadcast, "origin-b-process", "origin-b-member", "http://origin-b", discontinuities,
                nextMsn, waiting);
    }

    @Test
    void aBroadcastOfAnOriginThatDiedGoesOnHereAfterADiscontinuityAndAMargin() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        StreamId broadcast = StreamId.random();
        // Origin B was live with alice, after two reconnects of its publisher, at segment 40 (41 reserved), and died.
        await(ledger.write(recordOfB(broadcast, 2, 42, false), Duration.ofSeconds(60)));

        publish(StreamId.random(), video.subList(0, 60), T0);

        MediaPlaylist playlist = playlist("low");
        // B may have begun 40 and 41, and may still make a few more if it was cut off rather than dead: 10 s of
        // one-second segments are left to it.
        long firstMedia = 52;
        assertThat(playlist.segments()).extracting(Segment::msn).as("numbered on from where origin B was")
                .startsWith(40L, 41L, 42L);
        assertThat(playlist.segments()).filteredOn(segment -> segment.msn() < firstMedia).hasSize(12)
                .allMatch(Segment::gap).noneMatch(Segment::discontinuity);
        assertThat(playlist.discontinuitySequence()).as("the gaps in origin B's discontinuity sequence").isEqualTo(2);
        Segment join = playlist.segments().stream().filter(segment -> segment.msn() == firstMedia).findFirst().orElseThrow();
        assertThat(join.gap()).isFalse();
        assertThat(join.discontinuity()).as("the join with what origin B served").isTrue();
        assertThat(join.map()).contains("init-52.mp4");
        assertThat(published).as("the edges see the same broadcast go on").isNotEmpty()
                .allMatch(event -> event.streamId().equals(broadcast));
        BroadcastRecord now = recordWhen(record -> ledger.isOwn(record));
        assertThat(now.broadcastId()).isEqualTo(broadcast);
        assertThat(now.discontinuities()).isEqualTo(3);
        assertThat(now.nextMsn()).as("above the newest segment made here").isGreaterThan(playlist.segments()
                .get(playlist.segments().size() - 1).msn());
        assertThat(now.waiting()).isFalse();
        assertThat(dev.vcdn.shared.hls.PlaylistRules.violations(playlist)).isEmpty();
    }

    @Test
    void aBroadcastThatWaitedAtAnotherOriginGoesOnRightAfterItsLastSegment() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        StreamId broadcast = StreamId.random();
        // Its publisher left origin B after segment 40 (complete: 41 is the next, 42 reserved) and came here.
        await(ledger.write(recordOfB(broadcast, 0, 42, true), Duration.ofSeconds(60)));

        publish(StreamId.random(), video.subList(0, 60), T0);

        MediaPlaylist playlist = playlist("low");
        assertThat(playlist.segments()).extracting(Segment::msn).startsWith(40L, 41L, 42L);
        assertThat(playlist.segments()).extracting(Segment::gap).startsWith(true, true, false);
        assertThat(playlist.segments().get(2).discontinuity()).isTrue();
        assertThat(playlist.discontinuitySequence()).isZero();
    }

    @Test
    void aBroadcastWaitingHereThatGoesOnAtAnotherOriginIsHandedOverWithoutAnEnd() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        StreamId broadcast = StreamId.random();
        end(publish(broadcast, video.subList(0, 50), T0));
        BroadcastRecord waiting = recordWhen(BroadcastRecord::waiting);
        assertThat(waiting.nextMsn()).as("one above the number after the segments made here")
                .isEqualTo(playlist("low").segments().size() + 1);

        // Its publisher came back at origin B, which goes on with the broadcast.
        await(ledger.write(recordOfB(broadcast, waiting.discontinuities() + 1, waiting.nextMsn() + 1, false),
                Duration.ofSeconds(60)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handedOver.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(handedOver).containsExactly(ALICE);
        CompletableFuture<Boolean> heldHere = new CompletableFuture<>();
        context.runOnContext(ignored -> heldHere.complete(packages.get(ALICE).isPresent()));
        assertThat(heldHere.get(10, TimeUnit.SECONDS)).as("requests for it are relayed to origin B now").isFalse();
        assertThat(published).as("no end: the players go on with origin B's segments")
                .noneMatch(OriginEvent.StreamEnded.class::isInstance)
                .noneMatch(event -> event instanceof OriginEvent.PlaylistUpdate update && update.ended());
        assertThat(await(ledger.find(ALICE))).get().extracting(BroadcastRecord::node).isEqualTo("http://origin-b");
    }

    @Test
    void aBroadcastWaitingHereEndsWhenAnotherOriginStartsANewOneOfTheChannel() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        end(publish(StreamId.random(), video.subList(0, 50), T0));
        recordWhen(BroadcastRecord::waiting);

        // Origin B's ledger lookup failed, and it started a broadcast of its own.
        await(ledger.write(recordOfB(StreamId.random(), 0, 7, false), Duration.ofSeconds(60)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!playlist("low").endList() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(playlist("low").endList()).as("ended: its players are told").isTrue();
        assertThat(handedOver).isEmpty();
    }

    @Test
    void withoutItsPublisherBackInTheGraceTheBroadcastEnds() throws Exception {
        packagesWithGrace(Duration.ofMillis(300));
        StreamId first = StreamId.random();
        end(publish(first, video.subList(0, 50), T0));
        assertThat(playlist("low").endList()).isFalse();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!playlist("low").endList() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(playlist("low").endList()).as("ended once the grace is over").isTrue();
        assertThat(published).filteredOn(OriginEvent.StreamEnded.class::isInstance).hasSize(1);

        StreamId second = StreamId.random();
        publish(second, video.subList(0, 30), T0.plusSeconds(60));
        MediaPlaylist fresh = playlist("low");
        assertThat(fresh.segments()).extracting(Segment::msn).as("a new broadcast, above every number the first used: "
                + "no URL of the first names an object of the second").containsExactly(2L);
        assertThat(fresh.segments().get(0).discontinuity()).isFalse();
        assertThat(fresh.mapUri()).contains("init-2.mp4");
        assertThat(fresh.endList()).isFalse();
    }

    @Test
    void afterAReconnectEveryRenditionGoesOnAtOneNumberAndOneTheNewPublishLacksIsLeftOut() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        PackagerOutput first = new PackagerOutput(packages, new PublishGrant(ChannelName.of("alice"), StreamId.random(),
                ChannelFeatures.standard()));
        first.mediaClock(T0);
        first.rendition(rendition("high"));
        first.rendition(rendition("low"));
        first.rendition(rendition("extra"));
        video.subList(0, 60).forEach(packet -> first.packet(RenditionId.of("high"), packet));
        video.subList(0, 40).forEach(packet -> first.packet(RenditionId.of("low"), packet)); // a segment behind
        video.subList(0, 60).forEach(packet -> first.packet(RenditionId.of("extra"), packet));
        first.end(); // its producers never ended their renditions: taken over as they were

        PackagerOutput second = new PackagerOutput(packages, new PublishGrant(ChannelName.of("alice"), StreamId.random(),
                ChannelFeatures.standard()));
        second.mediaClock(T0.plusSeconds(10));
        second.rendition(rendition("high"));
        second.rendition(rendition("low"));
        video.subList(0, 30).forEach(packet -> {
            second.packet(RenditionId.of("high"), packet);
            second.packet(RenditionId.of("low"), packet);
        });

        MediaPlaylist high = playlist("high");
        MediaPlaylist low = playlist("low");
        long joinHigh = high.segments().stream().filter(Segment::discontinuity).findFirst().orElseThrow().msn();
        long joinLow = low.segments().stream().filter(Segment::discontinuity).findFirst().orElseThrow().msn();
        assertThat(joinLow).as("both go on at one number").isEqualTo(joinHigh);
        assertThat(low.segments()).as("the one behind fills what it lacks with a gap").anyMatch(Segment::gap);
        for (Segment gap : low.segments().stream().filter(Segment::gap).toList()) {
            Segment same = high.segments().stream().filter(s -> s.msn() == gap.msn()).findFirst().orElseThrow();
            assertThat(List.of(gap.duration(), gap.programDateTime())).as("gap %d on the timeline of the one ahead", gap.msn())
                    .isEqualTo(List.of(same.duration(), same.programDateTime()));
        }
        MediaPlaylist extra = playlist("extra");
        assertThat(extra.preloadHint()).as("nothing hinted for a rendition no one makes").isEmpty();
        assertThat(extra.pendingParts()).as("its open segment closed").isEmpty();
        assertThat(variants()).as("left out of the multivariant playlist").containsExactlyInAnyOrder("high/index.m3u8",
                "low/index.m3u8");
    }

    @Test
    void aPublishWithSoundAloneAfterOneWithAPictureOffersItsSoundNotTheEndedPicture() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        List<MediaPacket> sound = FlvFile.packets(TestSources.aacFlv(files, "sound", 48_000, "stereo", 3));
        RenditionInfo audio = new RenditionInfo(RenditionId.of("audio"), MediaKind.AUDIO, Codec.AAC,
                CodecStrings.aac(sound.get(0).payload().toByteArray()), 0, 0, 0, 0, 0, Optional.of(sound.get(0).payload()));
        PackagerOutput first = new PackagerOutput(packages, new PublishGrant(ChannelName.of("alice"), StreamId.random(),
                ChannelFeatures.standard()));
        first.mediaClock(T0);
        first.rendition(rendition("high"));
        first.rendition(audio);
        video.subList(0, 60).forEach(packet -> first.packet(RenditionId.of("high"), packet));
        sound.subList(1, 100).forEach(packet -> first.packet(RenditionId.of("audio"), packet));
        first.end();
        assertThat(variants()).containsExactly("high/index.m3u8");

        PackagerOutput second = new PackagerOutput(packages, new PublishGrant(ChannelName.of("alice"), StreamId.random(),
                ChannelFeatures.standard()));
        second.mediaClock(T0.plusSeconds(10));
        second.rendition(audio);
        second.noPicture();
        sound.subList(1, sound.size()).forEach(packet -> second.packet(RenditionId.of("audio"), packet));
        assertThat(variants()).as("the radio show, not the picture that ended").containsExactly("audio/index.m3u8");
    }

    @Test
    void aPublishTakenOverChangesNothingWithWhatItStillDelivers() throws Exception {
        packagesWithGrace(Duration.ofSeconds(30));
        PackagerOutput first = publish(StreamId.random(), video.subList(0, 30), T0);
        PackagerOutput second = publish(StreamId.random(), video.subList(0, 60), T0.plusSeconds(2));
        video.subList(30, 60).forEach(packet -> first.packet(RenditionId.of("low"), packet)); // late, from the first
        end(first);
        MediaPlaylist playlist = playlist("low");
        assertThat(playlist.endList()).isFalse();
        // The first had delivered segment 0 and no part of segment 1 yet when the second took over.
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(0L, 1L, 2L);
        assertThat(playlist.segments()).extracting(Segment::discontinuity).as("the first's segment, then the second's")
                .containsExactly(false, true, false);
        assertThat(playlist.segments()).extracting(Segment::duration).containsExactly(1.0, 1.0, 1.0);
        assertThat(playlist.pendingParts()).as("the second's third segment, open").isNotEmpty();
        end(second);
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
        boolean taken = output.rendition(new RenditionInfo(other.id(), other.kind(), other.codec(), other.codecString(), 640, 360,
                25, 800, 1200, other.configuration()));
        boolean packetTaken = output.packet(RenditionId.of("low"), video.get(50));

        assertThat(taken).as("its producer is told to stop").isFalse();
        assertThat(packetTaken).isFalse();
        assertThat(variants()).as("its init segment would no longer describe it").isEmpty();
        assertThat(playlist("low").segments()).hasSize(1);
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
        int eventsAtTheEnd = published.size();
        video.subList(30, 60).forEach(packet -> output.packet(RenditionId.of("low"), packet));
        output.renditionEnd(RenditionId.of("low"));
        assertThat(playlist("low")).as("nothing added after ENDLIST").isEqualTo(ended);
        assertThat(published.subList(eventsAtTheEnd, published.size())).as("no part pushed after the end").isEmpty();
        assertThat(published).filteredOn(e -> e instanceof OriginEvent.StreamEnded).hasSize(1);
    }
}
