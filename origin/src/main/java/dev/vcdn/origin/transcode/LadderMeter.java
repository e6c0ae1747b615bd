package dev.vcdn.origin.transcode;

import dev.vcdn.origin.auth.PublishGrant;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ladder's destination until the LL-HLS packager takes its place: logs each rendition once
 * with its codec string and counts what every rendition produces.
 */
public final class LadderMeter implements LadderOutput {

    private static final Logger log = LoggerFactory.getLogger(LadderMeter.class);

    private final PublishGrant grant;
    private final MeterRegistry registry;
    private final java.util.Map<RenditionId, Counter> bytes = new java.util.concurrent.ConcurrentHashMap<>();

    public LadderMeter(PublishGrant grant, MeterRegistry registry) {
        this.grant = grant;
        this.registry = registry;
    }

    @Override
    public void rendition(RenditionInfo info) {
        log.info("rendition ready: channel={} stream={} rendition={} codecs={} size={}x{} fps={} kbps={}", grant.channel(),
                grant.streamId(), info.id(), info.codecString(), info.width(), info.height(), info.fps(), info.bitrateKbps());
    }

    @Override
    public void packet(RenditionId rendition, MediaPacket packet) {
        bytes.computeIfAbsent(rendition, id -> Counter.builder("vcdn.transcode.output").baseUnit("bytes")
                .tag("rendition", id.value()).description("Bytes each rendition of the ladder produced").register(registry))
                .increment(packet.payload().size());
    }

    @Override
    public void end() {
        log.info("ladder finished: channel={} stream={}", grant.channel(), grant.streamId());
    }
}
