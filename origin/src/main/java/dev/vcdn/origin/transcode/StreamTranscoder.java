package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.origin.codec.CodecStrings;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.LadderStarted;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.pipeline.PipelineListener;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.origin.transcode.tap.TapWorker;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode thread of one stream: reads the ingest queue, passes AAC audio (Opus becomes AAC) and (when usable)
 * the source video through, decodes the video once and hands each frame to every rung with the
 * keyframe decision already made, so all rungs cut at the same timestamps, and to the taps.
 *
 * <p>Before the ladder starts it holds the first GOP (compressed, so a few MB at most) to learn
 * the source's keyframe interval: a short, regular one is kept (the source is passed through
 * and rungs follow its keyframes); otherwise every rung, the source size included, is encoded
 * with a keyframe every segment target.
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

    private final PublishGrant grant;
    private final PacketQueue input;
    private final LadderOutput output;
    private final LadderPlanner planner;
    private final MeterRegistry metrics;
    private final List<FrameTap> taps;
    private final boolean dropWhenBehind;
    /** Keyframe interval forced when the source's own keyframes are not used; the segment target. */
    private final long segmentMillis;
    private final Timer decodeTime;
    private PipelineListener listener = new PipelineListener() {
        @Override
        public void ladderStarted(LadderStarted ladder) {
        }

        @Override
        public void failed(String reason) {
        }
    };
    private final List<TapWorker> tapWorkers = new ArrayList<>();
    private final List<MediaPacket> firstGop = new ArrayList<>();
    private final List<RungWorker> workers = new ArrayList<>();
    /** The rungs scaled from the decoded source itself; the others are scaled from a larger rung. */
    private final List<RungWorker> scaledFromSource = new ArrayList<>();
    /** Passed-through source packets that arrive before the decoder has shown the source's size. */
    private final List<MediaPacket> pendingSource = new ArrayList<>();

    private MediaPacket videoConfig;
    private boolean audioDeclared;
    private boolean clockSet;
    private boolean decided;
    private boolean passthrough;
    private double sourceFps;
    private MediaDecoder decoder;
    private AudioTranscoder audioTranscoder;
    private boolean ladderStarted;
    private long nextForcedKeyframe = Long.MIN_VALUE;
    private long frameIndex;
    /** Decoding the held first GOP: rungs catch up on it instead of dropping frames. */
    private boolean replaying;

    StreamTranscoder(PublishGrant grant, PacketQueue input, LadderOutput output, LadderPlanner planner,
                     List<FrameTap> taps, MeterRegistry metrics, boolean dropWhenBehind, Duration segment) {
        this.grant = grant;
        this.input = input;
        this.output = output;
        this.planner = planner;
        this.taps = List.copyOf(taps);
        this.metrics = metrics;
        this.dropWhenBehind = dropWhenBehind;
        this.segmentMillis = segment.toMillis();
        this.decodeTime = Timer.builder("vcdn.transcode.decode")
                .description("Decoding a source packet and handing its pictures to the rungs").register(metrics);
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
            if (!decided && !firstGop.isEmpty()) {
                decide(false);
            }
            if (decoder != null) {
                decoder.flush(this::dispatch);
            }
            closeAudioTranscoder();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("transcoding failed: channel={} stream={} error={}", grant.channel(), grant.streamId(), e.toString(), e);
            input.close();
            listener.failed("transcoding failed: " + e.getMessage());
        } finally {
            finishWorkers();
            if (decoder != null) {
                decoder.close();
            }
            if (audioTranscoder != null) {
                audioTranscoder.close();
            }
            output.end();
        }
    }

    private void handle(MediaPacket packet) throws InterruptedException {
        if (!clockSet) {
            // The queue from ingest is short, so this is the publisher's clock within a frame or two.
            clockSet = true;
            output.mediaClock(Instant.now().minusMillis(packet.dts()));
        }
        if (packet.kind() == MediaKind.AUDIO) {
            audio(packet);
        } else if (packet.isConfig()) {
            boolean changed = decoder != null && !packet.payload().equals(videoConfig.payload());
            videoConfig = packet;
            if (changed) {
                restartDecoder(packet);
            }
            if (ladderStarted && passthrough) {
                output.packet(SOURCE, packet);
            }
        } else if (!decided) {
            probe(packet);
        } else {
            video(packet);
        }
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
        decoder.flush(this::dispatch);
        decoder.close();
        decoder = null;
        decoder = new MediaDecoder(configuration.codec(), configuration.payload().toByteArray());
    }

    private void audio(MediaPacket packet) {
        if (packet.codec() == Codec.AAC) {
            if (packet.isConfig()) {
                declareAudio(packet.payload());
            }
            if (audioDeclared) {
                output.packet(AUDIO, packet);
            }
            return;
        }
        // Opus (enhanced RTMP, WebRTC) becomes AAC, which every HLS player takes.
        if (packet.isConfig()) {
            closeAudioTranscoder();
            audioTranscoder = new AudioTranscoder(packet.codec(), packet.payload().toByteArray());
            return;
        }
        if (audioTranscoder == null) {
            audioTranscoder = new AudioTranscoder(packet.codec(), new byte[0]);
        }
        audioTranscoder.transcode(packet, this::transcodedAudio);
    }

    private void transcodedAudio(MediaPacket aac) {
        if (!audioDeclared) {
            Payload configuration = Payload.copyOf(audioTranscoder.configuration());
            declareAudio(configuration);
            output.packet(AUDIO, MediaPacket.config(Codec.AAC, aac.dts(), TimeBase.MILLISECONDS, configuration));
        }
        output.packet(AUDIO, aac);
    }

    private void declareAudio(Payload configuration) {
        if (!audioDeclared) {
            audioDeclared = true;
            output.rendition(new RenditionInfo(AUDIO, MediaKind.AUDIO, Codec.AAC, CodecStrings.aac(configuration.toByteArray()),
                    0, 0, 0, 0, 0, Optional.of(configuration)));
        }
    }

    private void closeAudioTranscoder() {
        if (audioTranscoder != null) {
            audioTranscoder.flush(this::transcodedAudio);
            audioTranscoder.close();
            audioTranscoder = null;
        }
    }

    private void probe(MediaPacket packet) throws InterruptedException {
        if (firstGop.isEmpty() && !packet.keyframe()) {
            return; // nothing decodes before the first keyframe
        }
        if (!firstGop.isEmpty() && packet.keyframe()) {
            long interval = packet.dts() - firstGop.get(0).dts();
            sourceFps = firstGop.size() * 1000.0 / Math.max(1, interval);
            decide(interval <= segmentMillis * MAX_SOURCE_GOP_SHARE);
            video(packet);
            return;
        }
        firstGop.add(packet);
        long span = packet.dts() - firstGop.get(0).dts();
        if (span > segmentMillis * MAX_SOURCE_GOP_SHARE) {
            sourceFps = (firstGop.size() - 1) * 1000.0 / Math.max(1, span);
            decide(false);
        }
    }

    private void decide(boolean sourceKeyframesUsable) throws InterruptedException {
        decided = true;
        if (videoConfig == null) {
            throw new IllegalStateException("video frames without a decoder configuration");
        }
        passthrough = sourceKeyframesUsable && videoConfig.codec() == Codec.H264
                && grant.features().renditions().contains(SOURCE.value());
        decoder = new MediaDecoder(videoConfig.codec(), videoConfig.payload().toByteArray());
        List<MediaPacket> held = List.copyOf(firstGop);
        firstGop.clear();
        replaying = true;
        for (MediaPacket packet : held) {
            video(packet);
        }
        replaying = false;
    }

    private void video(MediaPacket packet) {
        long started = System.nanoTime();
        decodeVideo(packet);
        decodeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private void decodeVideo(MediaPacket packet) {
        if (passthrough) {
            if (ladderStarted) {
                output.packet(SOURCE, packet);
            } else {
                pendingSource.add(packet);
            }
        }
        decoder.decode(packet, this::dispatch);
    }

    private void dispatch(AVFrame frame) {
        if (!ladderStarted) {
            startLadder(frame);
        }
        long pts = frame.pts();
        boolean keyframe;
        if (passthrough) {
            keyframe = (frame.flags() & dev.vcdn.origin.ffmpeg.Ffmpeg.FRAME_FLAG_KEY) != 0;
        } else {
            keyframe = pts >= nextForcedKeyframe;
            if (keyframe) {
                nextForcedKeyframe = (nextForcedKeyframe == Long.MIN_VALUE ? pts : nextForcedKeyframe) + segmentMillis;
            }
        }
        long index = frameIndex++;
        tapWorkers.forEach(tap -> tap.offer(frame));
        try {
            for (RungWorker worker : scaledFromSource) {
                worker.offer(frame, keyframe, index, dropWhenBehind && !replaying);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing frames to the rungs", e);
        }
    }

    private void startLadder(AVFrame first) {
        ladderStarted = true;
        double fps = sourceFps > 0 ? sourceFps : 30;
        SourceVideo source = new SourceVideo(videoConfig.codec(), first.width(), first.height(), fps, 0);
        List<Rung> rungs = planner.plan(source, grant.features(), passthrough);
        log.info("ladder of channel={} stream={}: source {}x{}@{} {} -> {}", grant.channel(), grant.streamId(),
                first.width(), first.height(), Math.round(fps * 100) / 100.0,
                passthrough ? "passed through" : "re-encoded", rungs.stream().map(r -> r.id().value()).toList());
        listener.ladderStarted(new LadderStarted(first.width(), first.height(), fps, rungs.stream().map(Rung::id).toList()));
        for (FrameTap tap : taps) {
            tap.open(grant).ifPresent(session -> tapWorkers.add(new TapWorker(session, "tap-" + grant.channel())));
        }
        for (Rung rung : rungs) {
            if (!rung.passthrough()) {
                workers.add(new RungWorker(rung, grant.channel().value(), output, metrics, rung.fps() < sourceFps * 0.75));
            }
        }
        chainScaling();
        for (Rung rung : rungs) {
            if (rung.passthrough()) {
                output.rendition(new RenditionInfo(SOURCE, MediaKind.VIDEO, Codec.H264, CodecStrings.avc(videoConfig.payload().toByteArray()),
                        rung.width(), rung.height(), rung.fps(), rung.bitrateKbps(), rung.maxBitrateKbps(),
                        Optional.of(videoConfig.payload())));
                output.packet(SOURCE, videoConfig);
                pendingSource.forEach(packet -> output.packet(SOURCE, packet));
                pendingSource.clear();
            }
        }
        workers.forEach(RungWorker::start);
    }

    /**
     * A rung of the same size as an earlier one (the AV1 or VP9 rung beside its H.264 twin) takes
     * that rung's picture as it is, no scaling; any other is scaled from the smallest larger rung
     * (its picture is already at hand and far closer in size than the source); the largest from
     * the decoded source. Workers are kept largest first (H.264 before the other codecs at one
     * size), so that at the end each one finishes (and hands on its last pictures) before the
     * rungs it feeds are told to stop.
     */
    private void chainScaling() {
        workers.sort(Comparator.comparingInt((RungWorker w) -> w.rung().height()).reversed());
        for (int i = 0; i < workers.size(); i++) {
            RungWorker worker = workers.get(i);
            Rung rung = worker.rung();
            List<RungWorker> earlier = workers.subList(0, i);
            Optional<RungWorker> twin = earlier.stream()
                    .filter(w -> w.rung().width() == rung.width() && w.rung().height() == rung.height())
                    .findFirst();
            Optional<RungWorker> larger = earlier.stream()
                    .filter(w -> w.rung().height() > rung.height() && w.rung().width() >= rung.width())
                    .reduce((bigger, smaller) -> smaller.rung().height() < bigger.rung().height() ? smaller : bigger);
            twin.or(() -> larger).ifPresentOrElse(feeder -> feeder.feed(worker), () -> scaledFromSource.add(worker));
        }
    }

    private void finishWorkers() {
        for (TapWorker tap : tapWorkers) {
            try {
                tap.finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RungWorker worker : workers) {
            try {
                worker.finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
