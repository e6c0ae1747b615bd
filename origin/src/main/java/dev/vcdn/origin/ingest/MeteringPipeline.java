package dev.vcdn.origin.ingest;

import dev.vcdn.origin.auth.PublishGrant;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline each accepted stream gets until transcoding is wired in: a thread per stream that
 * drains the stream's queue and counts what arrives, so ingest runs, paces and is measured
 * end to end on its own.
 */
public final class MeteringPipeline implements PipelineFactory {

    private static final Logger log = LoggerFactory.getLogger(MeteringPipeline.class);
    static final int QUEUE_PACKETS = 512;
    static final long QUEUE_BYTES = 64L << 20;

    private final Counter videoPackets;
    private final Counter audioPackets;
    private final Counter bytes;

    public MeteringPipeline(MeterRegistry registry) {
        videoPackets = Counter.builder("vcdn.ingest.packets").tag("kind", "video")
                .description("Media packets handed from ingest to the stream pipelines").register(registry);
        audioPackets = Counter.builder("vcdn.ingest.packets").tag("kind", "audio")
                .description("Media packets handed from ingest to the stream pipelines").register(registry);
        bytes = Counter.builder("vcdn.ingest.media").baseUnit("bytes")
                .description("Compressed media bytes handed from ingest to the stream pipelines").register(registry);
    }

    @Override
    public MediaSink start(PublishGrant grant) {
        PacketQueue queue = new PacketQueue(QUEUE_PACKETS, QUEUE_BYTES);
        Thread worker = new Thread(() -> drain(queue, grant), "pipeline-" + grant.channel());
        worker.setDaemon(true);
        worker.start();
        return queue;
    }

    private void drain(PacketQueue queue, PublishGrant grant) {
        try {
            while (!queue.isClosedAndEmpty()) {
                Optional<MediaPacket> packet = queue.take(1000);
                packet.ifPresent(this::count);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("pipeline of {} stream {} failed: {}", grant.channel(), grant.streamId(), e.toString(), e);
            queue.close();
        }
    }

    private void count(MediaPacket packet) {
        (packet.kind() == MediaKind.VIDEO ? videoPackets : audioPackets).increment();
        bytes.increment(packet.payload().size());
    }
}
