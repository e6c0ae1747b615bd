package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.origin.transcode.tap.ThumbnailTap;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every native object a stream allocates is freed when it ends: many short streams leave nothing behind. */
class TranscoderResourcesTest {

    private static final int STREAMS = 30;

    private static void runStream(List<MediaPacket> packets) throws InterruptedException {
        PacketQueue queue = new PacketQueue(packets.size() + 1, 1L << 30);
        packets.forEach(queue::offer);
        queue.close();
        CountDownLatch ended = new CountDownLatch(1);
        LadderOutput output = new LadderOutput() {
            @Override
            public boolean rendition(RenditionInfo info) {
                return true;
            }

            @Override
            public boolean packet(RenditionId rendition, MediaPacket packet) {
                return true;
            }

            @Override
            public void end() {
                ended.countDown();
            }
        };
        PublishGrant grant = new PublishGrant(ChannelName.of("leak"), StreamId.random(), ChannelFeatures.of(false, true, false, false));
        new Thread(new StreamTranscoder(grant, queue, output, new LadderPlanner(LadderPlanner.DEFAULT_STEPS),
                List.of(new ThumbnailTap(new ThumbnailStore())), VideoEncoder::new, new SimpleMeterRegistry(),
                StreamTranscoder.Settings.live(java.time.Duration.ofSeconds(2)))).start();
        assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
    }

    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static long pipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("(rung|decode|tap)-leak.*")).count();
    }

    @Test
    void manyShortStreamsDoNotGrowNativeMemoryOrThreads(@TempDir Path files) throws Exception {
        List<MediaPacket> packets = FlvFile.packets(TestSources.flv(files, "short", "640x360", 25, 25, 2));
        for (int i = 0; i < 5; i++) {
            runStream(packets); // warm up: code paths loaded, allocator arenas sized
        }
        System.gc();
        long before = residentBytes();
        for (int i = 0; i < STREAMS; i++) {
            runStream(packets);
        }
        System.gc();
        long grown = residentBytes() - before;
        System.out.printf("resident memory after %d streams: %+d KiB%n", STREAMS, grown / 1024);
        // One leaked encoder context or a stream's worth of frames per stream would be hundreds of MiB here.
        assertThat(grown).as("resident bytes grown over %d streams", STREAMS).isLessThan(32L << 20);
        assertThat(pipelineThreads()).isZero();
    }
}
