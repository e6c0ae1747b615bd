package dev.vcdn.origin.recording;

import dev.vcdn.origin.packager.Recording;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.stream.RenditionId;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Optional;

/** Renditions and segments as the packager hands them to a recording. */
final class RecordingFixtures {

    static final RenditionInfo VIDEO = new RenditionInfo(RenditionId.of("360p"), MediaKind.VIDEO, Codec.H264, "avc1.64001e",
            640, 360, 30, 800, 1200, Optional.empty());
    static final RenditionInfo AUDIO = new RenditionInfo(RenditionId.of("audio"), MediaKind.AUDIO, Codec.AAC, "mp4a.40.2",
            0, 0, 0, 128, 128, Optional.empty());
    static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    private RecordingFixtures() {
    }

    /** Segment {@code msn} of 2 s from {@link #START}, of {@code size} bytes that say which segment they are. */
    static Recording.CompletedSegment segment(long msn, long discontinuity, String map, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (msn * 31 + i);
        }
        return new Recording.CompletedSegment(msn, START.plusSeconds(2 * msn), 2000, discontinuity, map,
                Buffer.buffer("init of " + map), Buffer.buffer(bytes));
    }
}
