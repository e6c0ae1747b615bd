package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.pipeline.PipelineListener;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import java.util.Optional;
import java.time.Duration;
import dev.vcdn.origin.transcode.tap.FrameTapSession;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import dev.vcdn.origin.pipeline.LadderStarted;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated publish goes through the real decoder, scalers and encoders; FFmpeg decodes what comes out. */
class TranscoderTest {

    @TempDir
    static Path files;

    /** Everything a ladder produced, per rendition. */
    static final class Recorder implements LadderOutput {
        final Map<RenditionId, RenditionInfo> renditions = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<RenditionId, List<MediaPacket>> packets = Collections.synchronizedMap(new LinkedHashMap<>());
        /** Every call but packets, in order: "rendition 160p", "down 160p", "ended 160p", "end". */
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Set<RenditionId> endedRenditions = Collections.synchronizedSet(new java.util.HashSet<>());
        /** The segment boundaries each rendition reported it had no picture for, as "rendition@pts". */
        final List<String> skips = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch ended = new CountDownLatch(1);
        /** The media time the publisher had handed over when the ladder was planned; -1 before. */
        final AtomicLong publishedWhenPlanned = new AtomicLong(-1);
        final AtomicLong published = new AtomicLong(-1);

        @Override
        public boolean rendition(RenditionInfo info) {
            RenditionInfo before = renditions.put(info.id(), info);
            assertThat(before).as("a rendition declared again comes back as it was").isIn(null, info);
            calls.add("rendition " + info.id());
            return true;
        }

        @Override
        public boolean packet(RenditionId rendition, MediaPacket packet) {
            assertThat(renditions).as("rendition declared before its packets").containsKey(rendition);
            assertThat(endedRenditions).as("no packet after the rendition's end").doesNotContain(rendition);
            packets.computeIfAbsent(rendition, id -> Collections.synchronizedList(new ArrayList<>())).add(packet);
            return true;
        }

        @Override
        public void noPicture() {
            calls.add("no picture");
        }

        @Override
        public void skipped(RenditionId rendition, long ptsMillis) {
            calls.add("skipped " + rendition);
            skips.add(rendition + "@" + ptsMillis);
        }

        List<Long> skippedAt(String rendition) {
            return skips.stream().filter(s -> s.startsWith(rendition + "@"))
                    .map(s -> Long.parseLong(s.substring(s.indexOf('@') + 1))).toList();
        }

        @Override
        public void renditionDown(RenditionId rendition, String reason) {
            calls.add("down " + rendition);
        }

        @Override
        public void renditionEnd(RenditionId rendition) {
            endedRenditions.add(rendition);
            calls.add("ended " + rendition);
        }

        @Override
        public void end() {
            calls.add("end");
            ended.countDown();
        }

        long count(String call) {
            return calls.stream().filter(call::equals).count();
        }

        List<MediaPacket> frames(String rendition) {
            return packets.get(RenditionId.of(rendition)).stream().filter(p -> !p.isConfig()).toList();
        }

        Set<Long> keyframeTimes(String rendition) {
            return frames(rendition).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Recorder transcode(Path flv, ChannelFeatures features) throws Exception {
        return transcode(FlvFile.packets(flv), features, List.of());
    }

    private static Recorder transcode(List<MediaPacket> input, ChannelFeatures features, List<FrameTap> taps) throws Exception {
        return transcode(input, features, taps, VideoEncoder::new, StreamTranscoder.Settings.live(Duration.ofSeconds(2)),
                PipelineListener.IGNORED);
    }

    /** Publishes {@code input} in real time through a whole stream's transcoding; returns once the stream has ended. */
    static Recorder transcode(List<MediaPacket> input, ChannelFeatures features, List<FrameTap> taps, RungEncoder.Factory encoders,
                              StreamTranscoder.Settings settings, PipelineListener listener) throws Exception {
        PacketQueue queue = new PacketQueue(input.size() + 1, 1L << 30);
        Recorder recorder = new Recorder();
        Thread publisher = new Thread(() -> publishInRealTime(input, queue, recorder.published), "publisher");
        publisher.start();
        PublishGrant grant = new PublishGrant(ChannelName.of("test"), StreamId.random(), features);
        PipelineListener watched = new PipelineListener() {
            @Override
            public void ladderStarted(LadderStarted ladder) {
                recorder.publishedWhenPlanned.set(recorder.published.get());
                listener.ladderStarted(ladder);
            }

            @Override
            public void failed(String reason) {
                listener.failed(reason);
            }
        };
        Thread decode = new Thread(new StreamTranscoder(grant, queue, recorder,
                new LadderPlanner(LadderPlanner.DEFAULT_STEPS), taps, encoders, new SimpleMeterRegistry(), settings)
                .listener(watched));
        decode.start();
        assertThat(recorder.ended.await(120, TimeUnit.SECONDS)).isTrue();
        return recorder;
    }

    /** Hands the packets over at the pace a live publisher sends them (ingest paces publishers the same way). */
    private static void publishInRealTime(List<MediaPacket> packets, PacketQueue queue, AtomicLong published) {
        long started = System.nanoTime();
        long firstDts = packets.get(0).dts();
        for (MediaPacket packet : packets) {
            long due = started + TimeUnit.MILLISECONDS.toNanos(packet.dts() - firstDts);
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            published.set(packet.dts()); // before the hand-over: the transcoder may act on it at once
            queue.offer(packet);
        }
        queue.close();
    }

    /** Decodes a rendition with libavcodec and returns the size of its frames and how many there were. */
    static List<String> decodedSizes(Recorder recorder, String rendition) {
        RenditionInfo info = recorder.renditions.get(RenditionId.of(rendition));
        List<String> sizes = new ArrayList<>();
        try (MediaDecoder decoder = new MediaDecoder(recorder.frames(rendition).get(0).codec(),
                info.configuration().map(c -> c.toByteArray()).orElse(new byte[0]))) {
            for (MediaPacket packet : recorder.frames(rendition)) {
                decoder.decode(packet, frame -> sizes.add(frame.width() + "x" + frame.height()));
            }
            decoder.flush(frame -> sizes.add(frame.width() + "x" + frame.height()));
        }
        return sizes;
    }

    @Test
    void aSourceThatChangesItsPictureSizeMidStreamKeepsEveryRungGoing() throws Exception {
        // What a WebRTC sender does under bandwidth pressure: the same stream, new SPS/PPS at a smaller size.
        List<MediaPacket> first = FlvFile.packets(TestSources.flv(files, "before", "640x360", 25, 25, 3, "aac", 0));
        List<MediaPacket> second = FlvFile.packets(TestSources.flv(files, "after", "320x180", 25, 25, 3, "aac", 0));
        List<MediaPacket> input = new ArrayList<>(first.stream().filter(p -> p.kind() == MediaKind.VIDEO).toList());
        for (MediaPacket packet : second) {
            if (packet.kind() == MediaKind.VIDEO) {
                input.add(new MediaPacket(packet.codec(), packet.type(), packet.dts() + 3000, packet.pts() + 3000,
                        packet.timeBase(), packet.keyframe(), packet.payload()));
            }
        }
        List<String> decoded = Collections.synchronizedList(new ArrayList<>());
        FrameTap sizes = grant -> Optional.of(new FrameTapSession() {
            @Override
            public Duration interval() {
                return Duration.ZERO;
            }

            @Override
            public void onFrame(AVFrame frame) {
                decoded.add(frame.width() + "x" + frame.height());
            }

            @Override
            public void close() {
            }
        });
        Recorder ladder = transcode(input, ChannelFeatures.standard(), List.of(sizes));

        assertThat(decoded).as("the source decoded with its new parameter sets after the change")
                .contains("640x360", "320x180").endsWith("320x180");
        assertThat(decoded.indexOf("320x180")).isGreaterThan(decoded.lastIndexOf("640x360"));
        List<String> rung = decodedSizes(ladder, "160p");
        assertThat(rung).as("the 160p rung decodes at its own size throughout").containsOnly("284x160");
        assertThat(rung.size()).as("every source frame, before and after the change").isBetween(145, 150);
    }

    @Test
    void aSourceFewDevicesDecodeIsReEncodedNotPassedThrough() throws Exception {
        Recorder ladder = transcode(TestSources.flv(files, "src444", "640x360", 30, 60, 4, "aac", 2, "yuv444p"),
                ChannelFeatures.standard());

        RenditionInfo source = ladder.renditions.get(RenditionId.of("source"));
        assertThat(source.codecString()).as("High 4:4:4 from the publisher, 8-bit 4:2:0 High to viewers")
                .matches("avc1\\.64[0-9a-f]{4}");
        assertThat(source.width()).isEqualTo(640);
        assertThat(decodedSizes(ladder, "source")).as("every picture of the source rung decodes").hasSizeBetween(115, 120)
                .containsOnly("640x360");
    }

    @Test
    void aSourceAboveItsChannelsBitrateIsReEncodedWhetherItsEncoderDeclaresItOrNot() throws Exception {
        ChannelFeatures limited = new ChannelFeatures(ChannelFeatures.DEFAULT_RENDITIONS, List.of("h264"), 1000, false, false);
        Path declared = TestSources.rateControlledFlv(files, "declared", 2500, 4, false);
        Path silent = TestSources.rateControlledFlv(files, "silent", 2500, 4, true);
        assertThat(passedThrough(declared, limited)).as("x264 declared 2500 kbit/s").isFalse();
        assertThat(passedThrough(silent, limited)).as("measured over its first GOP").isFalse();
        assertThat(passedThrough(declared, ChannelFeatures.standard())).as("within 12000 kbit/s").isTrue();
    }

    @Test
    void soundAloneGoesLiveAsAudioOnlyForTheWholePublish() throws Exception {
        List<MediaPacket> sound = FlvFile.packets(TestSources.aacFlv(files, "sound", 48_000, "stereo", 12));
        List<MediaPacket> picture = FlvFile.packets(TestSources.flv(files, "picture", "320x180", 25, 50, 5)).stream()
                .filter(p -> p.codec() == Codec.H264).map(p -> new MediaPacket(p.codec(), p.type(), p.dts() + 6_000,
                        p.pts() + 6_000, p.timeBase(), p.keyframe(), p.payload())).toList();
        List<MediaPacket> input = new ArrayList<>(sound);
        input.addAll(picture);
        input.sort(Comparator.comparingLong(MediaPacket::dts));
        List<List<RenditionId>> planned = Collections.synchronizedList(new ArrayList<>());
        Recorder ladder = transcode(input, ChannelFeatures.standard(), List.of(), VideoEncoder::new,
                StreamTranscoder.Settings.live(Duration.ofSeconds(2)), new PipelineListener() {
                    @Override
                    public void ladderStarted(LadderStarted started) {
                        planned.add(started.renditions());
                    }

                    @Override
                    public void failed(String reason) {
                    }
                });
        assertThat(planned).as("planned once, as audio only").containsExactly(List.of(RenditionId.of("audio")));
        assertThat(ladder.calls).contains("no picture");
        assertThat(ladder.packets).as("video that came later is not packaged").doesNotContainKey(RenditionId.of("source"));
        assertThat(ladder.frames("audio")).as("sound all along").hasSizeGreaterThan(500);
    }

    /** Whether the source rung's first keyframe is the publisher's own, byte for byte. */
    private static boolean passedThrough(Path flv, ChannelFeatures features) throws Exception {
        List<MediaPacket> input = FlvFile.packets(flv);
        Recorder ladder = transcode(input, features, List.of());
        MediaPacket first = ladder.frames("source").get(0);
        return input.stream().filter(p -> p.codec() == Codec.H264 && !p.isConfig())
                .anyMatch(p -> p.payload().equals(first.payload()));
    }

    @Test
    void a720pSourceGetsAnAlignedH264LadderBelowIt() throws Exception {
        Recorder ladder = transcode(TestSources.flv(files, "src720", "1280x720", 30, 60, 4), ChannelFeatures.standard());

        assertThat(ladder.renditions.keySet()).extracting(RenditionId::value)
                .containsExactlyInAnyOrder("audio", "source", "480p", "360p", "160p");
        assertThat(ladder.renditions.get(RenditionId.of("audio")).codecString()).isEqualTo("mp4a.40.2");
        RenditionInfo source = ladder.renditions.get(RenditionId.of("source"));
        assertThat(source.codecString()).as("the publisher's own profile and level").matches("avc1\\.[0-9a-f]{6}");
        assertThat(source.width()).isEqualTo(1280);

        for (String rung : List.of("480p", "360p", "160p")) {
            RenditionInfo info = ladder.renditions.get(RenditionId.of(rung));
            assertThat(info.codecString()).as(rung).matches("avc1\\.64[0-9a-f]{4}");
            assertThat(ladder.keyframeTimes(rung)).as("keyframes of %s at the source's", rung)
                    .isEqualTo(ladder.keyframeTimes("source"));
            List<String> sizes = decodedSizes(ladder, rung);
            assertThat(sizes).as(rung).hasSizeGreaterThan(100).containsOnly(info.width() + "x" + info.height());
        }
        long start = ladder.frames("source").get(0).pts();
        assertThat(ladder.keyframeTimes("source")).containsExactly(start, start + 2000);
        assertThat(ladder.publishedWhenPlanned.get()).as("planned at the first keyframe: x264 declared its 2 s interval")
                .isBetween(0L, 1000L);
        assertInSyncWithTheSource(ladder, List.of("480p", "360p", "160p"));
        assertThat(ladder.renditions.get(RenditionId.of("480p")).width()).isEqualTo(854);
        assertThat(ladder.frames("source")).hasSize(120);
        assertThat(ladder.frames("audio")).hasSizeGreaterThan(180);
    }

    /**
     * Rungs keep the source's clock: every picture a rung encodes carries the timestamp of a source
     * picture, and the audio runs alongside, so players switching rungs stay in sync.
     */
    private static void assertInSyncWithTheSource(Recorder ladder, List<String> rungs) {
        Set<Long> sourceTimes = ladder.frames("source").stream().map(MediaPacket::pts).collect(Collectors.toSet());
        for (String rung : rungs) {
            assertThat(ladder.frames(rung)).as(rung).allSatisfy(p -> assertThat(sourceTimes).contains(p.pts()));
            assertThat(ladder.frames(rung).stream().map(MediaPacket::dts).toList()).as(rung).isSorted();
        }
        List<MediaPacket> audio = ladder.frames("audio");
        List<MediaPacket> video = ladder.frames("source");
        assertThat(Math.abs(audio.get(0).pts() - video.get(0).dts())).as("audio starts with the video").isLessThan(150);
        assertThat(Math.abs(audio.get(audio.size() - 1).pts() - video.get(video.size() - 1).dts()))
                .as("and ends with it").isLessThan(150);
    }

    @Test
    void aSourceThatDoesNotDeclareItsIntervalIsPlannedAfterItsFirstGop() throws Exception {
        // What a hardware encoder sends: no x264 options in the first keyframe.
        List<MediaPacket> input = FlvFile.packets(TestSources.flv(files, "nosei", "640x360", 30, 60, 3)).stream()
                .map(TranscoderTest::withoutSei).toList();
        Recorder ladder = transcode(input, ChannelFeatures.standard(), List.of());

        assertThat(ladder.publishedWhenPlanned.get()).as("planned once the second keyframe came").isGreaterThanOrEqualTo(2000);
        long start = ladder.frames("source").get(0).pts();
        assertThat(ladder.keyframeTimes("source")).as("passed through").containsExactly(start, start + 2000);
        assertThat(ladder.keyframeTimes("160p")).isEqualTo(ladder.keyframeTimes("source"));
    }

    /** The frame without its SEI NAL units (4-byte lengths, as the bundled ffmpeg writes FLV). */
    private static MediaPacket withoutSei(MediaPacket packet) {
        if (packet.kind() != MediaKind.VIDEO || packet.isConfig()) {
            return packet;
        }
        byte[] bytes = packet.payload().toByteArray();
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        for (int offset = 0; offset + 4 < bytes.length; ) {
            int length = java.nio.ByteBuffer.wrap(bytes, offset, 4).getInt();
            if ((bytes[offset + 4] & 0x1F) != 6) {
                kept.write(bytes, offset, 4 + length);
            }
            offset += 4 + length;
        }
        return new MediaPacket(packet.codec(), packet.type(), packet.dts(), packet.pts(), packet.timeBase(), packet.keyframe(),
                dev.vcdn.shared.media.Payload.copyOf(kept.toByteArray()));
    }

    @Test
    void a480pSourceIsNeverUpscaledAndExtraCodecsNeedTheirFeature() throws Exception {
        Path source = TestSources.flv(files, "src480", "854x480", 25, 50, 3);
        Recorder plain = transcode(source, ChannelFeatures.standard());
        assertThat(plain.renditions.keySet()).extracting(RenditionId::value)
                .containsExactlyInAnyOrder("audio", "source", "360p", "160p");

        Recorder modern = transcode(source, ChannelFeatures.of(true, true, false, false));
        assertThat(modern.renditions.keySet()).extracting(RenditionId::value)
                .containsExactlyInAnyOrder("audio", "source", "360p", "160p", "360p-av1", "360p-vp9");
        assertThat(modern.renditions.get(RenditionId.of("360p-av1")).codecString()).isEqualTo("av01.0.01M.08");
        assertThat(modern.renditions.get(RenditionId.of("360p-vp9")).codecString()).isEqualTo("vp09.00.21.08");
        for (String rung : List.of("360p-av1", "360p-vp9")) {
            assertThat(modern.keyframeTimes(rung)).as(rung).isEqualTo(modern.keyframeTimes("source"));
            assertThat(modern.frames(rung).get(0).codec().kind()).isEqualTo(MediaKind.VIDEO);
        }
    }

    @Test
    void aLongSourceGopIsReencodedWithKeyframesEveryTwoSeconds() throws Exception {
        Recorder ladder = transcode(TestSources.flv(files, "longgop", "640x360", 30, 300, 5), ChannelFeatures.standard());
        assertThat(ladder.publishedWhenPlanned.get()).as("x264 declared 10 s: watched only as long as segments allow")
                .isBetween(2400L, 4000L);
        assertThat(ladder.renditions.get(RenditionId.of("source")).codecString()).matches("avc1\\..*");
        long start = ladder.frames("source").get(0).pts();
        assertThat(ladder.keyframeTimes("source")).containsExactly(start, start + 2000, start + 4000);
        assertThat(ladder.keyframeTimes("160p")).isEqualTo(ladder.keyframeTimes("source"));
        assertThat(decodedSizes(ladder, "source")).containsOnly("640x360");
    }

    @Test
    void opusAudioBecomesAac() throws Exception {
        Recorder ladder = transcode(TestSources.flv(files, "opus", "320x180", 25, 25, 3, "libopus"), ChannelFeatures.standard());
        RenditionInfo audio = ladder.renditions.get(RenditionId.of("audio"));
        assertThat(audio.codecString()).isEqualTo("mp4a.40.2");
        List<MediaPacket> frames = ladder.frames("audio");
        assertThat(frames).allSatisfy(p -> assertThat(p.codec()).isEqualTo(dev.vcdn.shared.media.Codec.AAC));
        // 3 s at 48 kHz in frames of 1024 samples, give or take the encoder's priming.
        assertThat(frames).hasSizeBetween(138, 144);
        assertThat(frames.stream().map(MediaPacket::pts).toList()).isSorted();
        List<Integer> decodedSamples = new ArrayList<>();
        try (MediaDecoder aac = new MediaDecoder(dev.vcdn.shared.media.Codec.AAC, audio.configuration().orElseThrow().toByteArray())) {
            for (MediaPacket frame : frames) {
                aac.decode(frame, decoded -> decodedSamples.add(decoded.nb_samples()));
            }
        }
        assertThat(decodedSamples.stream().mapToInt(Integer::intValue).sum()).as("samples FFmpeg decodes back")
                .isBetween(3 * 48_000 - 3072, 3 * 48_000 + 3072); // encoder priming and padding: a frame or two
        assertInSyncWithTheSource(ladder, List.of("160p"));
    }
}
