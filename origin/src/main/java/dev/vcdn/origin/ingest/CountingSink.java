package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;

import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts what ingest hands to the pipelines, whatever the pipeline is. */
final class CountingSink implements MediaSink {

    private final MediaSink delegate;
    private final Counter videoPackets;
    private final Counter audioPackets;
    private final Counter bytes;

    CountingSink(MediaSink delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.videoPackets = Counter.builder("vcdn.ingest.packets").tag("kind", "video")
                .description("Media packets handed from ingest to the stream pipelines").register(registry);
        this.audioPackets = Counter.builder("vcdn.ingest.packets").tag("kind", "audio")
                .description("Media packets handed from ingest to the stream pipelines").register(registry);
        this.bytes = Counter.builder("vcdn.ingest.media").baseUnit("bytes")
                .description("Compressed media bytes handed from ingest to the stream pipelines").register(registry);
    }

    @Override
    public boolean offer(MediaPacket packet) {
        boolean taken = delegate.offer(packet);
        if (taken) {
            (packet.kind() == MediaKind.VIDEO ? videoPackets : audioPackets).increment();
            bytes.increment(packet.payload().size());
        }
        return taken;
    }

    @Override
    public void whenWritable(Runnable callback) {
        delegate.whenWritable(callback);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
