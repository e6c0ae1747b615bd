package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ffmpeg.NativeFrame;
import dev.vcdn.origin.transcode.TranscoderTest.Recorder;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/**
 * One rung's restart policy in media time, fed as fast as it encodes (nothing dropped): how long
 * it waits after each failure, when it gives up, and what a clock going back does.
 */
class RungWorkerTest {

    private static final Rung RUNG = new Rung(RenditionId.of("160p"), VideoCodec.H264, 160, 90, 25, 150, 225, false);
    private static final long FRAME_MILLIS = 40;
    private static final int GOP = 25;

    /** Hands {@code frames} pictures of 320x180, a keyframe every second, starting at {@code fromMillis}. */
    private static void feed(RungWorker worker, long fromMillis, int frames) throws InterruptedException {
        try (NativeFrame picture = new NativeFrame()) {
            AVFrame frame = picture.get();
            frame.width(320).height(180).format(AV_PIX_FMT_YUV420P);
            Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            for (int i = 0; i < frames; i++) {
                frame.pts(fromMillis + i * FRAME_MILLIS);
                worker.offer(frame, i % GOP == 0, i, false);
            }
        }
    }

    @Test
    void aRungThatStallsIsNotWaitedForAndItAndTheRungsItFeedsComeBackAlignedAfterGaps() throws Exception {
        Rung big = new Rung(RenditionId.of("360p"), VideoCodec.H264, 320, 180, 25, 400, 600, false);
        Recorder recorder = new Recorder();
        AtomicInteger pictures = new AtomicInteger();
        RungEncoder.Factory stallingOnce = rung -> !rung.id().equals(big.id()) ? new VideoEncoder(rung)
                : new ForwardingEncoder(rung) {
                    @Override
                    public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) {
                        if (pictures.incrementAndGet() == 30) {
                            try {
                                Thread.sleep(TimeUnit.SECONDS.toMillis(RungWorker.STALL_SECONDS) + 1_500);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        super.encode(frame, keyframe, out);
                    }
                };
        RungWorker feeder = new RungWorker(big, "test", recorder, stallingOnce, new SimpleMeterRegistry(), false);
        RungWorker fed = new RungWorker(RUNG, "test", recorder, stallingOnce, new SimpleMeterRegistry(), false);
        feeder.feed(fed);
        feeder.start();
        fed.start();
        try (NativeFrame picture = new NativeFrame()) {
            AVFrame frame = picture.get();
            frame.width(320).height(180).format(AV_PIX_FMT_YUV420P);
            Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            // Live: pictures come at 25 a second whatever the rungs do.
            long started = System.nanoTime();
            for (int i = 0; i < 15 * GOP; i++) {
                long due = started + TimeUnit.MILLISECONDS.toNanos(i * FRAME_MILLIS);
                java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                frame.pts(i * FRAME_MILLIS);
                feeder.offer(frame, i % GOP == 0, i, true);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        feeder.finish(deadline);
        fed.finish(deadline);

        assertThat(recorder.count("down 360p")).as("the stall counted as a failure").isEqualTo(1);
        assertThat(recorder.count("down 160p")).as("and so for the rung it feeds").isEqualTo(1);
        List<Long> missed = recorder.skippedAt("360p");
        assertThat(missed).as("the keyframes it missed while stalled").isNotEmpty();
        assertThat(recorder.skippedAt("160p")).as("missed by the rung it feeds too").containsAll(missed);
        List<Long> feederBack = restarts(recorder, "360p");
        List<Long> fedBack = restarts(recorder, "160p");
        assertThat(feederBack).isNotEmpty();
        assertThat(fedBack).isNotEmpty();
        assertThat(fedBack.get(fedBack.size() - 1)).as("both back at the same keyframe, after the ones missed")
                .isEqualTo(feederBack.get(feederBack.size() - 1))
                .isGreaterThan(missed.get(missed.size() - 1) / 1000);
    }

    private static Recorder run(RungEncoder.Factory encoders, long[] starts, int framesEach) throws Exception {
        Recorder recorder = new Recorder();
        RungWorker worker = new RungWorker(RUNG, "test", recorder, encoders, new SimpleMeterRegistry(), false);
        worker.start();
        for (long start : starts) {
            feed(worker, start, framesEach);
        }
        worker.finish(System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        return recorder;
    }

    /** FFmpeg's encoder, failing when {@code fails} says so for the n-th picture (counted over every instance). */
    private static RungEncoder.Factory failingAt(java.util.function.IntPredicate fails) {
        AtomicInteger pictures = new AtomicInteger();
        return rung -> new ForwardingEncoder(rung) {
            @Override
            public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) {
                if (fails.test(pictures.incrementAndGet())) {
                    throw new FfmpegException("avcodec_send_frame(160p)", -22);
                }
                super.encode(frame, keyframe, out);
            }
        };
    }

    /** Seconds into the stream at which each restart's first picture was encoded. */
    private static List<Long> restarts(Recorder recorder) {
        return restarts(recorder, "160p");
    }

    private static List<Long> restarts(Recorder recorder, String rendition) {
        List<MediaPacket> frames = recorder.frames(rendition);
        return java.util.stream.IntStream.range(1, frames.size())
                .filter(i -> frames.get(i).pts() - frames.get(i - 1).pts() > FRAME_MILLIS)
                .mapToObj(i -> frames.get(i).pts() / 1000).toList();
    }

    @Test
    void aRungThatNeverOpensIsTriedWithADoublingBackOffAndThenGivenUp() throws Exception {
        RungEncoder.Factory broken = rung -> {
            throw new FfmpegException("avcodec_open2(libx264)", -12);
        };
        Recorder recorder = run(broken, new long[] {0}, 40 * GOP);

        // Tried at 0 s, then 1, 2, 4, 8 and 16 s after each failure: 0, 1, 3, 7, 15, 31 s; then never again.
        assertThat(recorder.count("down 160p")).isEqualTo(RungWorker.MAX_FAILURES_IN_A_ROW);
        assertThat(recorder.count("skipped 160p")).as("every keyframe a boundary of its gap").isEqualTo(40);
        assertThat(recorder.packets).doesNotContainKey(RenditionId.of("160p"));
    }

    @Test
    void aRestartedRungRunningLongEnoughHasItsFailuresForgiven() throws Exception {
        // Fails on its 10th picture (0.36 s) and again 80 s later (81.96 s); after 60 s of healthy
        // running the back-off starts over: back at the first keyframe a second after each failure.
        int later = 10 + 80 * GOP;
        Recorder recorder = run(failingAt(n -> n == 10 || n == later), new long[] {0}, 100 * GOP);

        assertThat(recorder.count("down 160p")).isEqualTo(2);
        assertThat(restarts(recorder)).as("back at 2 s and at 83 s, not 84 s").containsExactly(2L, 83L);
    }

    @Test
    void aRestartIsTriedAtOnceWhenTheSourceClockGoesBack() throws Exception {
        // Fails at 4.6 s: next try 5.6 s on. Then the publisher's encoder restarts its clock at 0.
        Recorder recorder = run(failingAt(n -> n == 116), new long[] {0, 0}, 5 * GOP);

        assertThat(recorder.count("down 160p")).isEqualTo(1);
        List<MediaPacket> frames = recorder.frames("160p");
        assertThat(frames.get(frames.size() - 1).pts()).as("back from the first keyframe of the new clock")
                .isEqualTo((5 * GOP - 1) * FRAME_MILLIS);
        assertThat(frames.stream().filter(p -> p.pts() == 0).count()).as("both clocks' first picture").isEqualTo(2);
    }
}
