package dev.vcdn.origin.recording;

import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.recording.SegmentFile;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings as viewers and operators see them, read from the {@link RecordingStore}: the
 * list of a channel's recordings, their playlists and objects, deletion. Any origin reads any
 * recording of a shared store. A recording without an end is live while this origin records it
 * or its newest segment is recent (another origin records it); past that its origin died, and
 * its end is written from its newest segment.
 */
public final class RecordingLibrary {

    private static final Logger log = LoggerFactory.getLogger(RecordingLibrary.class);
    /** Most recordings of one channel listed: past that the oldest are left out (retention should keep far fewer). */
    static final int MAX_LISTED = 1000;

    /** A recording as the API lists it. */
    public record Summary(RecordingId id, Instant startedAt, Optional<Instant> endedAt, double durationSeconds,
                          List<String> renditions, boolean thumbnail) {

        public JsonObject toJson() {
            return new JsonObject().put("id", id.toString()).put("channel", id.channel().value())
                    .put("startedAt", startedAt.toString()).put("endedAt", endedAt.map(Instant::toString).orElse(null))
                    .put("durationSeconds", Math.round(durationSeconds * 1000) / 1000.0)
                    .put("renditions", new JsonArray(renditions))
                    .put("thumbnail", thumbnail ? RecordingPath.PREFIX + id + "/" + RecordingPath.THUMBNAIL : null)
                    .put("master", RecordingPath.master(id));
        }
    }

    /** A playlist and whether it will change (a live recording's does). */
    public record Playlist(String text, boolean live) {
    }

    private final RecordingStore store;
    private final StoreRecorder recorder;
    private final RecordingSettings settings;
    private final int targetDuration;
    private final Duration stale;
    private final Clock clock;

    /**
     * @param targetDuration the live playlists' target duration, kept by live recordings' playlists
     * @param stale          a recording without an end whose newest segment is older than this has lost its origin
     */
    public RecordingLibrary(StoreRecorder recorder, RecordingSettings settings, int targetDuration, Duration stale,
                            Clock clock) {
        this.store = recorder.store();
        this.recorder = recorder;
        this.settings = settings;
        this.targetDuration = targetDuration;
        this.stale = stale;
        this.clock = clock;
    }

    public RecordingStore store() {
        return store;
    }

    /** The channel's recordings, newest first. */
    public Future<List<Summary>> list(ChannelName channel) {
        return store.children(channel + "/").compose(names -> {
            List<Future<Optional<Summary>>> summaries = names.stream().filter(StreamId::isValid)
                    .map(name -> summary(new RecordingId(channel, StreamId.of(name)))).toList();
            return Future.all(summaries).map(all -> summaries.stream().map(Future::result).flatMap(Optional::stream)
                    .sorted(Comparator.comparing(Summary::startedAt).reversed()).limit(MAX_LISTED).toList());
        });
    }

    /** The newest recordings of every channel that {@code listed} lets through, newest first, at most {@code limit}. */
    public Future<List<Summary>> recent(Predicate<ChannelName> listed, int limit) {
        return store.children("").compose(channels -> {
            List<Future<List<Summary>>> lists = channels.stream().filter(ChannelName::isValid).map(ChannelName::of)
                    .filter(listed).map(this::list).toList();
            return Future.all(lists).map(all -> lists.stream().flatMap(list -> list.result().stream())
                    .sorted(Comparator.comparing(Summary::startedAt).reversed()).limit(limit).toList());
        });
    }

    /** One recording; empty when there is none (or only debris without its description). */
    public Future<Optional<Summary>> summary(RecordingId id) {
        String prefix = id.storePrefix();
        Future<Optional<Buffer>> description = store.get(prefix + StoreRecorder.RECORDING_FILE);
        Future<Optional<Buffer>> end = store.get(prefix + StoreRecorder.ENDED_FILE);
        Future<List<String>> children = store.children(prefix);
        return Future.all(description, end, children).compose(all -> {
            if (description.result().isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            JsonObject started = parse(description.result().get());
            Instant startedAt = Instant.parse(started.getString("startedAt"));
            List<String> renditions = children.result().stream().filter(RenditionId::isValid).sorted().toList();
            boolean thumbnail = children.result().contains(RecordingPath.THUMBNAIL);
            if (end.result().isPresent()) {
                JsonObject ended = parse(end.result().get());
                return Future.succeededFuture(Optional.of(new Summary(id, startedAt, Optional.of(Instant.parse(ended.getString("endedAt"))),
                        ended.getDouble("durationSeconds", 0.0), renditions, thumbnail)));
            }
            if (recorder.recording(id) || renditions.isEmpty() && startedAt.isAfter(clock.instant().minus(stale))) {
                return Future.succeededFuture(Optional.of(liveSummary(id, startedAt, renditions, thumbnail)));
            }
            return newestMedia(id, renditions).compose(newest -> {
                if (newest.isPresent() && newest.get().end().isAfter(clock.instant().minus(stale))) {
                    return Future.succeededFuture(Optional.of(liveSummary(id, startedAt, renditions, thumbnail)));
                }
                return endLost(id, startedAt, newest).map(endedAt -> Optional.of(new Summary(id, startedAt, Optional.of(endedAt),
                        seconds(startedAt, endedAt), renditions, thumbnail)));
            });
        });
    }

    private Summary liveSummary(RecordingId id, Instant startedAt, List<String> renditions, boolean thumbnail) {
        return new Summary(id, startedAt, Optional.empty(), seconds(startedAt, clock.instant()), renditions, thumbnail);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    }

    /** The newest segment of the recording's first rendition: where it got to. */
    private Future<Optional<SegmentFile>> newestMedia(RecordingId id, List<String> renditions) {
        if (renditions.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return store.children(id.storePrefix() + renditions.get(0) + "/").map(names -> names.stream()
                .map(SegmentFile::parse).flatMap(Optional::stream).max(Comparator.naturalOrder()));
    }

    /** The origin recording it died: its end is written as where its media got to, once, for every reader after. */
    private Future<Instant> endLost(RecordingId id, Instant startedAt, Optional<SegmentFile> newest) {
        Instant endedAt = newest.map(SegmentFile::end).orElse(startedAt);
        double duration = seconds(startedAt, endedAt);
        JsonObject end = new JsonObject().put("endedAt", endedAt.toString()).put("durationSeconds", duration)
                .put("incomplete", "its origin stopped while recording");
        log.info("recording {} lost its origin while live: it ends at its newest segment, {}", id, endedAt);
        return store.put(id.storePrefix() + StoreRecorder.ENDED_FILE, end.toBuffer(), StoreRecorder.JSON)
                .otherwise(ignored -> null).map(endedAt);
    }

    /** The multivariant playlist; empty when the recording does not exist or has no video yet. */
    public Future<Optional<Playlist>> master(RecordingId id) {
        return summary(id).compose(summary -> {
            if (summary.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            List<Future<Optional<Buffer>>> descriptions = summary.get().renditions().stream()
                    .map(r -> store.get(id.storePrefix() + r + "/" + StoreRecorder.RENDITION_FILE)).toList();
            return Future.all(descriptions).map(all -> RecordingPlaylists.multivariant(descriptions.stream()
                    .map(Future::result).flatMap(Optional::stream).map(RecordingLibrary::parse).toList())
                    .map(playlist -> new Playlist(PlaylistWriter.write(playlist), summary.get().endedAt().isEmpty())));
        });
    }

    /** A rendition's media playlist; empty when it has no segment. */
    public Future<Optional<Playlist>> media(RecordingId id, RenditionId rendition) {
        return summary(id).compose(summary -> {
            if (summary.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            boolean ended = summary.get().endedAt().isPresent();
            return store.children(id.storePrefix() + rendition + "/").map(names -> RecordingPlaylists
                    .media(names, ended, targetDuration, settings.dvrDepth()).map(text -> new Playlist(text, !ended)));
        });
    }

    /** A stored object: an init segment, a segment or the thumbnail. */
    public Future<Optional<Buffer>> object(RecordingPath path) {
        return store.get(path.storeKey().orElseThrow());
    }

    /** Deletes a recording that is not being recorded here; false when there is none. */
    public Future<Boolean> delete(RecordingId id) {
        if (recorder.recording(id)) {
            return Future.failedFuture(new IllegalStateException("recording " + id + " is live"));
        }
        return store.children(id.storePrefix()).compose(names -> names.isEmpty() ? Future.succeededFuture(false)
                : store.deleteAll(id.storePrefix()).map(true));
    }

    private static JsonObject parse(Buffer json) {
        return new JsonObject(json);
    }
}
