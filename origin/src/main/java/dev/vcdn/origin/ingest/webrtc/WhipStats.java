package dev.vcdn.origin.ingest.webrtc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** The WHIP ingest's metrics (docs/metrics.md). */
final class WhipStats {

    private final Counter refusedStun;
    private final Counter refusedPackets;
    private final Counter nacked;
    private final Counter lost;
    private final Counter droppedFrames;

    WhipStats(MeterRegistry metrics, Supplier<Number> sessions) {
        refusedStun = Counter.builder("vcdn.ingest.whip.refused.checks")
                .description("Connectivity checks refused: unknown ufrag or wrong password").register(metrics);
        refusedPackets = Counter.builder("vcdn.ingest.whip.refused.packets")
                .description("SRTP/SRTCP packets refused: failed authentication, replayed or malformed").register(metrics);
        nacked = Counter.builder("vcdn.ingest.whip.nacked.packets")
                .description("RTP packets asked for again (NACK)").register(metrics);
        lost = Counter.builder("vcdn.ingest.whip.lost.packets")
                .description("RTP packets given up on: not retransmitted within the jitter delay").register(metrics);
        droppedFrames = Counter.builder("vcdn.ingest.whip.dropped.frames")
                .description("Frames not taken by a full pipeline").register(metrics);
        Gauge.builder("vcdn.ingest.connections", sessions).tag("protocol", "whip")
                .description("WHIP sessions, connecting or live").register(metrics);
    }

    void refusedStun() {
        refusedStun.increment();
    }

    void refusedPacket() {
        refusedPackets.increment();
    }

    void nacked(int count) {
        nacked.increment(count);
    }

    void lost(long count) {
        lost.increment(count);
    }

    void droppedFrame() {
        droppedFrames.increment();
    }
}
