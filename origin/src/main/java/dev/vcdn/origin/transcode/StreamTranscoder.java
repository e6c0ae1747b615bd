package dev.vcdn.origin.transcode;

import dev.vcdn.origin.codec.AvcProfile;
import dev.vcdn.origin.codec.SequenceParameterSet;
import dev.vcdn.origin.codec.X264Options;
import dev.vcdn.origin.ffmpeg.Deinterlacer;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.LadderStarted;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.pipeline.PipelineListener;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode thread of one stream, the stages in order: the ingest queue, audio to its route
 * ({@link AudioRoute}), video through the probe ({@link GopProbe}) that decides, at the first keyframe
 * where the encoder says enough and after the first GOP where not, whether the source is passed through ({@link SourcePassthrough}), one decode, and each picture with
 * its keyframe decision ({@link KeyframeCadence}) to the rungs and taps ({@link Ladder}).
 *
 * <p>A packet the decoder refuses costs a damaged picture until the next keyframe; a failed
 * rung restarts by itself. Only a dead decoder ({@link DecoderHealth}) or a source without
 * decoder configuration ends the publish, through the {@link PipelineListener}.
 */
final class StreamTranscoder implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamTranscoder.class);

    static final RenditionId SOURCE = RenditionId.of("source");
    static final RenditionId AUDIO = RenditionId.of("audio");
    /**
     * The longest source keyframe interval we cut segments at, as a share of the segment target:
     * 2.4 s for 2 s segments, which EXTINF still rounds to the target duration.
     */
    static final double MAX_SOURCE_GOP_SHARE = 1.2;
    /** A publish with sound and no picture (a radio show, a podcast) is planned as audio only after this much sound. */
    static final long AUDIO_ONLY_AFTER_MILLIS = 5000;
    /** A first GOP shorter than this says too little of a source's bitrate. */
    static final long MIN_MEASURED_MILLIS = 1000;

    /**
     * How a stream is run.
     *
     * @param segment        the segment target: where keyframes go when the source's own cannot be used
     * @param dropWhenBehind rungs that fall behind skip pictures (live); otherwise every picture is encoded (a recording)
     * @param rungEndWait    how long the end of the stream waits for each rung to finish
     */
    record Settings(Duration segment, boolean dropWhenBehind, Duration rungEndWait) {

        static Settings live(Duration segment) {
            return new Settings(segment, true, RungWorker.END_WAIT);
        }
    }

    private final PublishGrant grant;
    private final PacketQueue input;
    private final LadderOutput output;
    private final LadderPlanner planner;
    private final List<FrameTap> taps;
    private final MeterRegistry metrics;
    private final RungEncoder.Factory encoders;
    private final boolean dropWhenBehind;
    /** Keyframe interval forced when the source's own keyframes are not used; the segment target. */
    private final long segmentMillis;
    private final Duration rungEndWait;
    private final Timer decodeTime;
    private final Counter refusedVideo;
    private final GopProbe probe;
    private final AudioRoute audio;
    private final DecoderHealth decoderHealth = new DecoderHealth();
    private PipelineListener listener = PipelineListener.IGNORED;

    private MediaPacket videoConfig;
    private boolean clockSet;
    private boolean decided;
    /**
     * Planned without a picture, for the whole publish: video planned later would number its
     * segments apart from the audio's (and the multivariant playlist players hold would change).
     */
    private boolean audioOnly;
    private boolean videoFrameSeen;
    private boolean videoIgnored;
    private long firstAudioMillis = Long.MIN_VALUE;
    private double sourceFps;
    private SourcePassthrough passthrough;
    private KeyframeCadence cadence;
    private MediaDecoder decoder;
    /** Whole pictures from an interlaced source's fields, before the rungs; null for a progressive source. */
    private Deinterlacer deinterlacer;
    /** Nothing is encoded from the source's pictures: only its keyframes are decoded, for the taps. */
    private boolean keyframesOnly;
    private Ladder ladder;
    private long frameIndex;
    /** Decoding the held first GOP: rungs catch up on it instead of dropping frames. */
    private boolean replaying;

    StreamTranscoder(PublishGrant grant, PacketQueue input, LadderOutput output, LadderPlanner planner, List<FrameTap> taps,
                     RungEncoder.Factory encoders, MeterRegistry metrics, Settings settings) {
        this.grant = grant;
        this.input = input;
        this.output = output;
        this.planner = planner;
        this.taps = List.copyOf(taps);
        this.encoders = encoders;
        this.metrics = metrics;
        this.dropWhenBehind = settings.dropWhenBehind();
        this.segmentMillis = settings.segment().toMillis();
        this.rungEndWait = settings.rungEndWait();
        this.probe = new GopProbe(Math.round(segmentMillis * MAX_SOURCE_GOP_SHARE));
        this.decodeTime = Timer.builder("vcdn.transcode.decode")
                .description("Decoding a source packet and handing its pictures to the rungs").register(metrics);
        this.refusedVideo = Counter.builder("vcdn.transcode.refused.packets").tag("kind", "video")
                .description("Source packets the decoder refused (damaged); each costs a damaged picture until the next keyframe")
                .register(metrics);
        this.audio = new AudioRoute(output, grant.streamId().value(), Counter.builder("vcdn.transcode.refused.packets")
                .tag("kind", "audio").description("Source packets the decoder refused (damaged); each costs a damaged picture "
                        + "until the next keyframe").register(metrics));
    }

    /** Who is told the ladder once it is planned, and a failure (called on this stream's decode thread). */
    StreamTranscoder listener(PipelineListener listener) {
        this.listener = listener;
        return this;
    }

    @Override
    public void run() {
        try {
            while (!input.isClosedAndEmpty()) {
                Optional<MediaPacket> packet = input.take(500);
                if (packet.isPresent()) {
                    handle(packet.get());
                }
            }
            if (!decided) {
                Optional<GopProbe.Decision> held = probe.finish();
                if (held.isPresent()) {
                    decide(held.get());
                }
            }
            if (decoder != null) {
                decoder.flush(this::picture);
            }
            if (deinterlacer != null) {
                deinterlacer.flush(this::dispatch);
            }
            audio.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("transcoding failed: channel={} stream={} error={}", grant.channel(), grant.streamId(), e.toString(), e);
            input.close();
            listener.failed("transcoding failed: " + e.getMessage());
        } finally {
            end();
        }
    }

    /**
     * Every producer ends its own renditions: this thread the source's and the audio, each rung
     * its own. Each step is taken whatever the one before did: a rung never told to end would
     * wait for frames forever.
     */
    private void end() {
        step("audio end", audio::close);
        if (passthrough != null) {
            step("source end", passthrough::end);
        }
        if (ladder != null) {
            step("rungs end", ladder::finish);
        }
        if (decoder != null) {
            step("decoder close", decoder::close);
        }
        if (deinterlacer != null) {
            step("deinterlacer close", deinterlacer::close);
        }
        output.end();
    }

    private void step(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.error("{} failed: channel={} stream={} error={}", what, grant.channel(), grant.streamId(), e.toString(), e);
        }
    }

    private void handle(MediaPacket packet) throws InterruptedException {
        if (!clockSet && !packet.isConfig()) {
            // The newest frame offered arrived just now (the queue from ingest is short, or a backlog
            // handed over at once): media time to wall-clock time within a frame or two.
            clockSet = true;
            output.mediaClock(Instant.now().minusMillis(input.newestFrameDts().orElse(packet.dts())));
        }
        if (packet.kind() == MediaKind.AUDIO) {
            audio.packet(packet);
            if (!decided && !videoFrameSeen && !packet.isConfig()) {
                soundWithoutPicture(packet.timeBase().rescale(packet.dts(), TimeBase.MILLISECONDS));
            }
            return;
        }
        if (!packet.isConfig()) {
            videoFrameSeen = true;
        }
        if (audioOnly) {
            if (!videoIgnored) {
                videoIgnored = true;
                log.warn("video for channel={} stream={} after it went live with sound only: not packaged (the encoder must "
                        + "publish again to add it)", grant.channel(), grant.streamId());
            }
            return;
        }
        if (packet.isConfig()) {
            boolean changed = decoder != null && !packet.payload().equals(videoConfig.payload());
            videoConfig = packet;
            if (changed) {
                restartDecoder(packet);
            }
            if (passthrough != null) {
                passthrough.configuration(packet);
            }
        } else if (!decided) {
            Optional<GopProbe.Decision> decision = probe.offer(packet, () -> expectation(packet));
            if (decision.isPresent()) {
                decide(decision.get());
                if (!decision.get().currentHeld()) {
                    video(packet);
                }
            }
        } else {
            video(packet);
        }
    }

    /**
     * What the first keyframe tells of the keyframe interval: it matters only for an H.264 source
     * passed through, and x264 declares its longest one there.
     */
    private GopProbe.Expectation expectation(MediaPacket firstKeyframe) {
        boolean passable = videoConfig != null && videoConfig.codec() == Codec.H264
                && grant.features().renditions().contains(SOURCE.value());
        if (!passable) {
            return GopProbe.Expectation.irrelevant();
        }
        return GopProbe.Expectation.declared(X264Options.maxKeyframeInterval(firstKeyframe.payload(),
                videoConfig.payload()));
    }

    /**
     * New parameter sets mid-stream (a WebRTC sender adapting its resolution, an encoder restarted
     * behind the same connection): ingest takes them out of the frames, so the decoder must start
     * again from them, or it decodes the new pictures with the old ones. The rungs scale whatever
     * size comes.
     */
    private void restartDecoder(MediaPacket configuration) {
        log.info("source changed its decoder configuration mid-stream: channel={} stream={}; decoder restarted",
                grant.channel(), grant.streamId());
        try {
            decoder.flush(this::picture);
        } catch (FfmpegException e) {
            log.warn("last pictures of the old configuration lost: channel={} error={}", grant.channel(), e.getMessage());
        }
        decoder.close();
        decoder = null;
        if (deinterlacer == null && interlaced(configuration)) {
            // The rungs get whole pictures from now on; a source passed through stays as it comes (it cannot change rung).
            log.warn("source of channel={} stream={} became interlaced mid-stream: its rungs are deinterlaced from now on{}",
                    grant.channel(), grant.streamId(), passthrough != null ? "; the source rung passes it on as it comes" : "");
            deinterlacer = new Deinterlacer(1000);
        }
        decoder = new MediaDecoder(configuration.codec(), configuration.payload().toByteArray());
        if (keyframesOnly) {
            decoder.decodeKeyframesOnly();
        }
    }

    private void decide(GopProbe.Decision decision) {
        decided = true;
        if (videoConfig == null) {
            throw new IllegalStateException("video frames without a decoder configuration");
        }
        if (interlaced(videoConfig) && deinterlacer == null) {
            log.info("source of channel={} stream={} is interlaced: deinterlaced and re-encoded", grant.channel(), grant.streamId());
            deinterlacer = new Deinterlacer(1000);
        }
        sourceFps = decision.fps();
        boolean passThrough = decision.sourceKeyframesUsable() && videoConfig.codec() == Codec.H264
                && grant.features().renditions().contains(SOURCE.value()) && deinterlacer == null && playableEverywhere(videoConfig)
                && withinBitrateLimit(decision.held());
        if (passThrough) {
            passthrough = new SourcePassthrough(output);
            cadence = KeyframeCadence.followingSource();
        } else {
            cadence = KeyframeCadence.every(segmentMillis);
        }
        decoder = new MediaDecoder(videoConfig.codec(), videoConfig.payload().toByteArray());
        replaying = true;
        decision.held().forEach(this::video);
        replaying = false;
    }

    /**
     * Sound and, after {@value #AUDIO_ONLY_AFTER_MILLIS} ms of it, still no video frame: the stream
     * goes live with its audio alone (a radio show) instead of waiting for a picture that may never come.
     */
    private void soundWithoutPicture(long audioMillis) {
        if (firstAudioMillis == Long.MIN_VALUE) {
            firstAudioMillis = audioMillis;
        } else if (audioMillis - firstAudioMillis >= AUDIO_ONLY_AFTER_MILLIS) {
            decided = true;
            audioOnly = true;
            log.info("ladder of channel={} stream={}: no picture after {} ms of sound: audio only", grant.channel(),
                    grant.streamId(), AUDIO_ONLY_AFTER_MILLIS);
            output.noPicture();
            listener.ladderStarted(new LadderStarted(0, 0, 0, List.of(AUDIO)));
        }
    }

    /**
     * Whether the source sends no more than its channel may pass to viewers: the rate x264 declared,
     * or else what its first GOP measured. A source that says nothing either way is taken at its word.
     */
    private boolean withinBitrateLimit(List<MediaPacket> held) {
        int limit = grant.features().maxBitrateKbps();
        OptionalLong kbps = sourceKbps(held);
        if (limit <= 0 || kbps.isEmpty() || kbps.getAsLong() <= limit) {
            return true;
        }
        log.info("source of channel={} stream={} re-encoded: {} kbit/s is above the channel's {} kbit/s", grant.channel(),
                grant.streamId(), kbps.getAsLong(), limit);
        return false;
    }

    private OptionalLong sourceKbps(List<MediaPacket> held) {
        List<MediaPacket> frames = held.stream().filter(p -> p.kind() == MediaKind.VIDEO && !p.isConfig()).toList();
        if (frames.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong declared = X264Options.declaredBitrateKbps(frames.get(0).payload(), videoConfig.payload());
        if (declared.isPresent() || frames.size() < 2) {
            return declared;
        }
        MediaPacket first = frames.get(0);
        MediaPacket last = frames.get(frames.size() - 1);
        long spanMillis = last.timeBase().rescale(last.dts(), TimeBase.MILLISECONDS)
                - first.timeBase().rescale(first.dts(), TimeBase.MILLISECONDS);
        if (spanMillis < MIN_MEASURED_MILLIS) {
            return OptionalLong.empty();
        }
        long bytes = frames.subList(0, frames.size() - 1).stream().mapToLong(frame -> frame.payload().size()).sum();
        return OptionalLong.of(bytes * 8 / spanMillis); // bits per millisecond: kbit/s
    }

    /** Whether the source's H.264 may code its pictures as fields (interlaced video from a broadcast encoder or camera). */
    private static boolean interlaced(MediaPacket configuration) {
        if (configuration.codec() != Codec.H264) {
            return false;
        }
        try {
            return !SequenceParameterSet.fromAvcC(configuration.payload().toByteArray()).frameMbsOnly();
        } catch (IllegalArgumentException e) {
            return false; // the decoder will say what it thinks of it
        }
    }

    /** A decoded picture, on its way to the rungs: whole pictures made of fields first where the source is interlaced. */
    private void picture(AVFrame frame) {
        if (deinterlacer != null) {
            deinterlacer.filter(frame, this::dispatch);
        } else {
            dispatch(frame);
        }
    }

    /** Whether the source's H.264 may go to viewers as it came; when not, the source rung is re-encoded. */
    private boolean playableEverywhere(MediaPacket configuration) {
        try {
            AvcProfile profile = AvcProfile.of(configuration.payload().toByteArray());
            if (!profile.playableEverywhere()) {
                log.info("source of channel={} stream={} re-encoded: {} is not what every player decodes", grant.channel(),
                        grant.streamId(), profile);
            }
            return profile.playableEverywhere();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void video(MediaPacket packet) {
        long started = System.nanoTime();
        if (passthrough != null) {
            passthrough.packet(packet);
        }
        try {
            decoder.decode(packet, frame -> {
                try {
                    picture(frame);
                } catch (RuntimeException e) {
                    throw new DispatchException(e); // ours, not the decoder's: never counted as a refused packet
                }
            });
            long refused = decoderHealth.decoded();
            if (refused > 0) {
                log.info("decoding again: channel={} stream={} after {} refused packets", grant.channel(), grant.streamId(),
                        refused);
            }
        } catch (FfmpegException e) {
            refusedVideo.increment();
            if (decoderHealth.refusedInARow() == 0) {
                log.warn("source packet refused by the decoder: channel={} stream={} error={}; going on", grant.channel(),
                        grant.streamId(), e.getMessage());
            }
            if (decoderHealth.refused(packet.dts())) {
                throw new IllegalStateException("the decoder refused every packet for " + DecoderHealth.DEAD_AFTER_MILLIS
                        + " ms (" + decoderHealth.refusedInARow() + " packets): " + e.getMessage(), e);
            }
        } finally {
            decodeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void dispatch(AVFrame frame) {
        if (ladder == null) {
            startLadder(frame);
        }
        boolean keyframe = cadence.isKeyframe(frame);
        try {
            ladder.offer(frame, keyframe, frameIndex++, dropWhenBehind && !replaying);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing frames to the rungs", e);
        }
    }

    private void startLadder(AVFrame first) {
        double fps = sourceFps > 0 ? sourceFps : 30;
        SourceVideo source = new SourceVideo(videoConfig.codec(), first.width(), first.height(), fps, 0);
        List<Rung> rungs = planner.plan(source, grant.features(), passthrough != null);
        log.info("ladder of channel={} stream={}: source {}x{}@{} {} -> {}", grant.channel(), grant.streamId(),
                first.width(), first.height(), Math.round(fps * 100) / 100.0,
                passthrough != null ? "passed through" : "re-encoded", rungs.stream().map(r -> r.id().value()).toList());
        listener.ladderStarted(new LadderStarted(first.width(), first.height(), fps, rungs.stream().map(Rung::id).toList()));
        Ladder planned = new Ladder(rungs, sourceFps, grant, taps, output, encoders, metrics, rungEndWait);
        rungs.stream().filter(Rung::passthrough).findFirst().ifPresent(rung -> passthrough.start(rung, videoConfig));
        if (!planned.encodes()) {
            // A passed-through source and nothing to encode: only the taps look at pictures, a few a minute.
            keyframesOnly = true;
            decoder.decodeKeyframesOnly();
        }
        planned.start();
        ladder = planned; // only a started ladder is fed and finished
    }

    /** A failure while handing a decoded picture on: the pipeline's, so the publish ends. */
    private static final class DispatchException extends RuntimeException {
        DispatchException(RuntimeException cause) {
            super(cause.toString(), cause);
        }
    }
}
