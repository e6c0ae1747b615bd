package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.LadderStarted;
import dev.vcdn.origin.pipeline.PipelineListener;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.origin.transcode.TranscoderTest.Recorder;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.stream.RenditionId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures cost what they break and no more: a damaged source frame a picture, a failed rung its
 * own rendition for a while, a stuck rung never the end of the stream.
 */
class TranscoderFailuresTest {

    @TempDir
    static Path files;
    /** 6 s of 854x480 at 25 fps, a keyframe each second: a passed-through source, 360p and 160p (scaled from 360p). */
    static List<MediaPacket> source;

    @BeforeAll
    static void record() throws Exception {
        source = FlvFile.packets(TestSources.flv(files, "src", "854x480", 25, 25, 6));
    }

    /** What ingest saw happen to a stream: failures it was told of. */
    private static final class Listener implements PipelineListener {
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void ladderStarted(LadderStarted ladder) {
        }

        @Override
        public void failed(String reason) {
            failures.add(reason);
        }
    }

    private static Recorder transcode(List<MediaPacket> input, RungEncoder.Factory encoders, Duration rungEndWait,
                                      Listener listener) throws Exception {
        return TranscoderTest.transcode(input, ChannelFeatures.standard(), List.of(), encoders,
                new StreamTranscoder.Settings(Duration.ofSeconds(2), true, rungEndWait), listener);
    }

    private static long lastPts(Recorder recorder, String rendition) {
        List<MediaPacket> frames = recorder.frames(rendition);
        return frames.get(frames.size() - 1).pts() - recorder.frames("source").get(0).pts();
    }

    /**
     * The longest stretch without a picture in {@code rendition}, as [last before, first after] in
     * milliseconds from the start. A rung that falls behind on a loaded machine skips a picture
     * now and then; a rung that is down misses a second or more.
     */
    private static long[] longestGap(Recorder recorder, String rendition) {
        long start = recorder.frames("source").get(0).pts();
        List<Long> times = recorder.frames(rendition).stream().map(p -> p.pts() - start).sorted().toList();
        long[] gap = {0, 0};
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) - times.get(i - 1) > gap[1] - gap[0]) {
                gap = new long[] {times.get(i - 1), times.get(i)};
            }
        }
        return gap;
    }

    private static long length(long[] gap) {
        return gap[1] - gap[0];
    }

    @Test
    void damagedSourceFramesCostDamagedPicturesNotTheStream() throws Exception {
        List<MediaPacket> damaged = new ArrayList<>();
        Random random = new Random(7);
        int videoFrame = 0;
        int garbled = 0;
        for (MediaPacket packet : source) {
            boolean frame = packet.kind() == MediaKind.VIDEO && !packet.isConfig();
            // Two seconds in: three whole frames of noise where pictures should be, as a broken link delivers them.
            if (frame && videoFrame++ >= 50 && videoFrame <= 53) {
                byte[] noise = new byte[packet.payload().size()];
                random.nextBytes(noise);
                noise[0] = 0x7f; // a NAL length far past the packet's end: the decoder refuses the packet
                packet = MediaPacket.frame(packet.codec(), packet.dts(), packet.pts(), packet.timeBase(), packet.keyframe(),
                        Payload.copyOf(noise));
                garbled++;
            }
            damaged.add(packet);
        }
        assertThat(garbled).isEqualTo(3);
        Listener listener = new Listener();
        Recorder ladder = transcode(damaged, VideoEncoder::new, RungWorker.END_WAIT, listener);

        assertThat(listener.failures).as("the publish goes on").isEmpty();
        for (String rendition : List.of("source", "360p", "160p")) {
            assertThat(lastPts(ladder, rendition)).as("%s runs to the end", rendition).isGreaterThan(5_800);
        }
        assertThat(length(longestGap(ladder, "360p"))).as("the rung lost the refused pictures at most").isLessThan(500);
        assertThat(ladder.count("down 360p") + ladder.count("down 160p")).isZero();
    }

    /** Wraps FFmpeg's encoder of one rung and fails it on purpose (its first instance only). */
    private static RungEncoder.Factory failing(String rendition, Consumer<AtomicInteger> beforeEncode) {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger encoded = new AtomicInteger();
        return rung -> {
            if (!rung.id().value().equals(rendition)) {
                return new VideoEncoder(rung);
            }
            boolean first = opened.incrementAndGet() == 1;
            return new ForwardingEncoder(rung) {
                @Override
                public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) {
                    if (first) {
                        beforeEncode.accept(encoded);
                    }
                    super.encode(frame, keyframe, out);
                }
            };
        };
    }

    @Test
    void aFailedRungLeavesItsRenditionForAWhileAndComesBackAfterAKeyframe() throws Exception {
        Listener listener = new Listener();
        Recorder ladder = transcode(source, failing("360p", encoded -> {
            if (encoded.incrementAndGet() == 40) {
                throw new FfmpegException("avcodec_send_frame(360p)", -22);
            }
        }), RungWorker.END_WAIT, listener);

        assertThat(listener.failures).isEmpty();
        assertThat(ladder.calls).containsSubsequence("rendition 360p", "down 360p", "skipped 360p", "rendition 360p",
                "ended 360p", "end");
        assertThat(ladder.count("down 360p")).isEqualTo(1);
        // Failed on its 40th picture (about 1.6 s in), back at the first keyframe at least a second later.
        long[] down = longestGap(ladder, "360p");
        assertThat(down[0]).isBetween(1_500L, 2_000L);
        assertThat(length(down)).isGreaterThanOrEqualTo(1_000);
        long start = ladder.frames("source").get(0).pts();
        assertThat(ladder.keyframeTimes("360p")).as("back on a keyframe of the source's").contains(start + down[1]);
        assertThat(ladder.keyframeTimes("source")).contains(start + down[1]);
        assertThat(lastPts(ladder, "360p")).isGreaterThan(5_800);
        assertThat(length(longestGap(ladder, "160p"))).as("the rung fed by the failed one went on").isLessThan(500);
        assertThat(TranscoderTest.decodedSizes(ladder, "360p")).containsOnly("640x360");
    }

    @Test
    void aRungThatCannotOpenStaysDownAndStillFeedsTheRungsBelow() throws Exception {
        Listener listener = new Listener();
        RungEncoder.Factory broken = rung -> {
            if (rung.id().value().equals("360p")) {
                throw new FfmpegException("avcodec_open2(libx264)", -12);
            }
            return new VideoEncoder(rung);
        };
        Recorder ladder = transcode(source, broken, RungWorker.END_WAIT, listener);

        assertThat(listener.failures).isEmpty();
        assertThat(ladder.packets).doesNotContainKey(RenditionId.of("360p"));
        // Tried at 0 s, then at the first keyframes 1 s and 2 s later (1 s and 3 s).
        assertThat(ladder.count("down 360p")).isEqualTo(3);
        assertThat(length(longestGap(ladder, "160p"))).as("160p scales the source while 360p is down").isLessThan(500);
        assertThat(lastPts(ladder, "160p")).isGreaterThan(5_800);
        assertThat(TranscoderTest.decodedSizes(ladder, "160p")).containsOnly("284x160");
    }

    @Test
    void aRungStuckAtTheEndDoesNotHoldTheStreamAndEndsItsRenditionItself() throws Exception {
        Listener listener = new Listener();
        RungEncoder.Factory stuckAtTheEnd = rung -> !rung.id().value().equals("160p") ? new VideoEncoder(rung)
                : new ForwardingEncoder(rung) {
                    @Override
                    public void flush(Consumer<MediaPacket> out) {
                        try {
                            Thread.sleep(3_000); // a native call that takes its time
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        super.flush(out);
                    }
                };
        Recorder ladder = transcode(source, stuckAtTheEnd, Duration.ofMillis(300), listener);
        assertThat(ladder.calls).as("the stream ended without the stuck rung").doesNotContain("ended 160p");

        long waited = System.nanoTime();
        while (!ladder.endedRenditions.contains(RenditionId.of("160p")) && System.nanoTime() - waited < 10_000_000_000L) {
            Thread.sleep(50);
        }
        assertThat(ladder.calls).as("the stuck rung ended its own rendition when it returned").endsWith("end", "ended 160p");
        assertThat(lastPts(ladder, "160p")).isGreaterThan(5_800);
    }
}
