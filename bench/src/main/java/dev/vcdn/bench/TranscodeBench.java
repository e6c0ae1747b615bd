package dev.vcdn.bench;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.ffmpeg.FfmpegRuntime;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.transcode.LadderPlanner;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.origin.transcode.Transcoder;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side of bench/transcode: one recorded 1080p stream through the origin's own transcoder
 * (decode once, a thread per rung, nothing dropped), as fast as it goes. Prints the frames each
 * rendition produced; the driver script measures time, CPU and memory from outside.
 *
 * <p>Usage: {@code TranscodeBench FILE.flv h264|h264+av1}, or {@code TranscodeBench --ffmpeg-path}.
 */
public final class TranscodeBench {

    /** The ladder the CLI anchor runs too: 720p, 480p and 360p H.264 (plus a 480p AV1 rung in the second variant). */
    static final List<LadderPlanner.Step> STEPS = List.of(
            new LadderPlanner.Step("720p", 720, 3000),
            new LadderPlanner.Step("480p", 480, 1400),
            new LadderPlanner.Step("360p", 360, 800));

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--ffmpeg-path")) {
            // The ffmpeg program of the same build, for the driver's CLI anchor.
            System.out.println(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
            return;
        }
        Path file = Path.of(args[0]);
        boolean av1 = args.length > 1 && args[1].contains("av1");
        FfmpegRuntime.load();
        List<MediaPacket> packets = FlvFile.packets(file);
        ChannelFeatures features = new ChannelFeatures(List.of("720p", "480p", "360p"),
                av1 ? List.of("h264", "av1") : List.of("h264"), 20_000, false, false);
        Map<String, AtomicLong> frames = new ConcurrentHashMap<>();
        LadderOutput counter = new LadderOutput() {
            @Override
            public boolean rendition(RenditionInfo info) {
                frames.putIfAbsent(info.id().value(), new AtomicLong());
                return true;
            }

            @Override
            public boolean packet(RenditionId rendition, MediaPacket packet) {
                if (!packet.isConfig()) {
                    frames.get(rendition.value()).incrementAndGet();
                }
                return true;
            }

            @Override
            public void end() {
            }
        };
        Transcoder transcoder = new Transcoder(new LadderPlanner(STEPS), grant -> counter, List.of(), new SimpleMeterRegistry(),
                java.time.Duration.ofSeconds(2));
        long started = System.nanoTime();
        transcoder.transcodeRecording(new PublishGrant(ChannelName.of("bench"), StreamId.random(), features), packets);
        System.out.printf("transcoded in %.2f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("frames " + new TreeMap<>(frames));
    }
}
