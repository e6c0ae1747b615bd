package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.LadderOutput;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.pipeline.PipelineListener;
import dev.vcdn.origin.pipeline.PipelineFactory;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.shared.media.MediaPacket;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The pipeline factory of the origin: each accepted stream gets a decode thread and one thread per rung. */
public final class Transcoder implements PipelineFactory {

    /** Ingest to decoder: about two seconds of a 30 fps stream with audio, and never more than 32 MiB. */
    static final int QUEUE_PACKETS = 256;
    static final long QUEUE_BYTES = 32L << 20;

    private final LadderPlanner planner;
    private final Function<PublishGrant, LadderOutput> outputs;
    private final List<FrameTap> taps;
    private final MeterRegistry metrics;
    private final Duration segment;
    private final RungEncoder.Factory encoders;

    /** @param segment the segment target: where keyframes go when the source's own cannot be used */
    public Transcoder(LadderPlanner planner, Function<PublishGrant, LadderOutput> outputs, List<FrameTap> taps,
                      MeterRegistry metrics, Duration segment) {
        this(planner, outputs, taps, metrics, segment, VideoEncoder::new);
    }

    /** @param encoders opens each rung's encoder (FFmpeg's, unless a test wraps it) */
    public Transcoder(LadderPlanner planner, Function<PublishGrant, LadderOutput> outputs, List<FrameTap> taps,
                      MeterRegistry metrics, Duration segment, RungEncoder.Factory encoders) {
        this.planner = planner;
        this.segment = segment;
        this.outputs = outputs;
        this.taps = List.copyOf(taps);
        this.metrics = metrics;
        this.encoders = encoders;
    }

    /**
     * Runs one stream's ladder over recorded packets on the calling thread as fast as the encoders
     * go, dropping nothing, and returns when every rendition is out. For benchmarks.
     */
    public void transcodeRecording(PublishGrant grant, List<MediaPacket> packets) {
        PacketQueue queue = new PacketQueue(packets.size() + 1, Long.MAX_VALUE);
        packets.forEach(queue::offer);
        queue.close();
        new StreamTranscoder(grant, queue, outputs.apply(grant), planner, taps, encoders, metrics,
                new StreamTranscoder.Settings(segment, false, RungWorker.END_WAIT)).run();
    }

    @Override
    public MediaSink start(PublishGrant grant, PipelineListener listener) {
        PacketQueue queue = new PacketQueue(QUEUE_PACKETS, QUEUE_BYTES);
        StreamTranscoder transcoder = new StreamTranscoder(grant, queue, outputs.apply(grant), planner, taps, encoders, metrics,
                StreamTranscoder.Settings.live(segment))
                .listener(listener);
        Thread thread = new Thread(transcoder, "decode-" + grant.channel());
        thread.start();
        return queue;
    }
}
