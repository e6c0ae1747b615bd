package dev.vcdn.origin.recording;

import dev.vcdn.origin.packager.Recording;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.SegmentFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Renditions and segments as the packager hands them to a recording. */
final class RecordingFixtures {

    static final RenditionInfo VIDEO = new RenditionInfo(RenditionId.of("360p"), MediaKind.VIDEO, Codec.H264, "avc1.64001e",
            640, 360, 30, 800, 1200, Optional.empty());
    static final RenditionInfo AUDIO = new RenditionInfo(RenditionId.of("audio"), MediaKind.AUDIO, Codec.AAC, "mp4a.40.2",
            0, 0, 0, 128, 128, Optional.empty());
    static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    private RecordingFixtures() {
    }

    /**
     * Records {@code id} through {@code recorder} on an event loop, as the packages would: segments 0
     * to {@code segments - 1} of {@code size} bytes in each of {@code renditions}, then the end at
     * {@code endedAt} when there is one; returns once the disk store under {@code root} holds them (and the end).
     */
    static Recording recordAndAwait(Vertx vertx, StoreRecorder recorder, Path root, String id, int segments, int size,
                                    List<RenditionInfo> renditions, Optional<Instant> endedAt) throws Exception {
        CompletableFuture<Recording> started = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            Recording recording = recorder.record(RecordingId.parse(id).orElseThrow());
            for (int msn = 0; msn < segments; msn++) {
                for (RenditionInfo rendition : renditions) {
                    recording.segment(rendition, segment(msn, 0, "init-0.mp4", size));
                }
            }
            endedAt.ifPresent(recording::ended);
            started.complete(recording);
        });
        Recording recording = started.get(10, TimeUnit.SECONDS);
        String folder = id.replace('.', '/');
        String last = new SegmentFile(segments - 1, START.plusSeconds(2L * (segments - 1)), 2000, 0).name();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (renditions.stream().anyMatch(r -> !Files.exists(root.resolve(folder + "/" + r.id() + "/" + last)))
                || endedAt.isPresent() && !Files.exists(root.resolve(folder + "/ended.json"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("recording " + id + " not in the store within 10 s");
            }
            Thread.sleep(10);
        }
        return recording;
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
