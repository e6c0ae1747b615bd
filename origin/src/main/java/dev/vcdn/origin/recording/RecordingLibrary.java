package dev.vcdn.origin.recording;

import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.recording.SegmentFile;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings as viewers and operators see them, read from the {@link RecordingStore}: the
 * list of a channel's recordings, their playlists and objects, deletion. Any origin reads any
 * recording of a shared store. A recording without an end is live while this origin records it
 * or its newest segment (of any rendition) is recent: another origin records it. Past that its
 * origin died, and its end is written from its newest segment.
 *
 * <p>An ended recording never changes until it is deleted: its summary and playlists are kept in
 * bounded memory once made. Playlists are made on the recordings' workers (a day of one rendition
 * is 43,200 entries), and the store is asked a bounded number of questions at a time. Event-loop
 * owned (the origin's HTTP loop); the store's work happens elsewhere.
 */
public final class RecordingLibrary {

    private static final Logger log = LoggerFactory.getLogger(RecordingLibrary.class);
    /** Questions to the store in flight for one listing: enough to be quick, few enough not to crowd out segment writes. */
    static final int AT_ONCE = 16;
    static final int KEPT_SUMMARIES = 4096;
    static final long KEPT_PLAYLIST_CHARS = 16L << 20;

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
    private final WorkerExecutor workers;
    private final int targetDuration;
    private final Duration stale;
    private final Clock clock;
    private final Map<RecordingId, Summary> endedSummaries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RecordingId, Summary> eldest) {
            return size() > KEPT_SUMMARIES;
        }
    };
    /** Ended recordings' playlists by {@code id/rendition} ({@code id/} for the master), least recently used first. */
    private final LinkedHashMap<String, String> endedPlaylists = new LinkedHashMap<>(64, 0.75f, true);
    private long endedPlaylistChars;

    /**
     * @param workers        the recordings' own blocking threads, where playlists are made
     * @param targetDuration the live playlists' target duration, kept by live recordings' playlists
     * @param stale          a recording without an end whose newest segment is older than this has lost its origin
     */
    public RecordingLibrary(StoreRecorder recorder, RecordingSettings settings, WorkerExecutor workers, int targetDuration,
                            Duration stale, Clock clock) {
        this.store = recorder.store();
        this.recorder = recorder;
        this.settings = settings;
        this.workers = workers;
        this.targetDuration = targetDuration;
        this.stale = stale;
        this.clock = clock;
    }

    public RecordingStore store() {
        return store;
    }

    /** Every recording of the channel, newest first. One that cannot be read now is left out (and logged), not the list. */
    public Future<List<Summary>> list(ChannelName channel) {
        return store.children(channel + "/").compose(names -> inTurns(names.stream().filter(StreamId::isValid)
                .map(name -> new RecordingId(channel, StreamId.of(name))).toList(), AT_ONCE, this::readableSummary))
                .map(found -> found.stream().flatMap(Optional::stream)
                        .sorted(Comparator.comparing(Summary::startedAt).reversed()).toList());
    }

    /** The newest recordings of every channel that {@code listed} lets through, newest first, at most {@code limit}. */
    public Future<List<Summary>> recent(Predicate<ChannelName> listed, int limit) {
        return store.children("").compose(channels -> inTurns(channels.stream().filter(ChannelName::isValid)
                .map(ChannelName::of).filter(listed).toList(), 1, this::list))
                .map(lists -> lists.stream().flatMap(List::stream)
                        .sorted(Comparator.comparing(Summary::startedAt).reversed()).limit(limit).toList());
    }

    private Future<Optional<Summary>> readableSummary(RecordingId id) {
        return summary(id).recover(error -> {
            log.warn("recording {} left out of a list: {}", id, error.getMessage());
            return Future.succeededFuture(Optional.empty());
        });
    }

    /** {@code ask} of every item, {@code atOnce} at a time, the answers in the items' order. */
    static <T, R> Future<List<R>> inTurns(List<T> items, int atOnce, Function<T, Future<R>> ask) {
        List<R> answers = new ArrayList<>(items.size());
        Future<Void> done = Future.succeededFuture();
        for (int from = 0; from < items.size(); from += atOnce) {
            List<T> batch = items.subList(from, Math.min(items.size(), from + atOnce));
            done = done.compose(ignored -> {
                List<Future<R>> asked = batch.stream().map(ask).toList();
                return Future.all(asked).onSuccess(all -> asked.forEach(future -> answers.add(future.result()))).mapEmpty();
            });
        }
        return done.map(answers);
    }

    /** One recording; empty when there is none (or only debris without its description). */
    public Future<Optional<Summary>> summary(RecordingId id) {
        Summary ended = endedSummaries.get(id);
        if (ended != null) {
            return Future.succeededFuture(Optional.of(ended));
        }
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
                JsonObject endJson = parse(end.result().get());
                return Future.succeededFuture(Optional.of(remember(new Summary(id, startedAt,
                        Optional.of(Instant.parse(endJson.getString("endedAt"))), endJson.getDouble("durationSeconds", 0.0),
                        renditions, thumbnail))));
            }
            if (recorder.recording(id) || renditions.isEmpty() && startedAt.isAfter(clock.instant().minus(stale))) {
                return Future.succeededFuture(Optional.of(liveSummary(id, startedAt, renditions, thumbnail)));
            }
            return newestMedia(id, renditions).compose(newest -> {
                if (newest.isPresent() && newest.get().end().isAfter(clock.instant().minus(stale))) {
                    return Future.succeededFuture(Optional.of(liveSummary(id, startedAt, renditions, thumbnail)));
                }
                return endLost(id, startedAt, newest).map(endedAt -> Optional.of(remember(new Summary(id, startedAt,
                        Optional.of(endedAt), seconds(startedAt, endedAt), renditions, thumbnail))));
            });
        });
    }

    private Summary remember(Summary ended) {
        endedSummaries.put(ended.id(), ended);
        return ended;
    }

    private Summary liveSummary(RecordingId id, Instant startedAt, List<String> renditions, boolean thumbnail) {
        return new Summary(id, startedAt, Optional.empty(), seconds(startedAt, clock.instant()), renditions, thumbnail);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    }

    /**
     * The newest segment of any of the recording's renditions: where it got to. Every rendition
     * counts, so that one that went down (or a ladder that shrank at a reconnect) does not make a
     * live recording look abandoned.
     */
    private Future<Optional<SegmentFile>> newestMedia(RecordingId id, List<String> renditions) {
        return inTurns(renditions, AT_ONCE, rendition -> store.children(id.storePrefix() + rendition + "/"))
                .map(listings -> listings.stream().flatMap(List::stream).map(SegmentFile::parse).flatMap(Optional::stream)
                        .max(Comparator.comparing(SegmentFile::end)));
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
        String key = id + "/";
        String kept = endedPlaylists.get(key);
        if (kept != null) {
            return Future.succeededFuture(Optional.of(new Playlist(kept, false)));
        }
        return summary(id).compose(summary -> {
            if (summary.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            return inTurns(summary.get().renditions(), AT_ONCE, r -> store.get(id.storePrefix() + r + "/" + StoreRecorder.RENDITION_FILE))
                    .map(descriptions -> RecordingPlaylists.multivariant(descriptions.stream().flatMap(Optional::stream)
                            .map(RecordingLibrary::parse).toList())
                            .map(playlist -> kept(key, new Playlist(PlaylistWriter.write(playlist), summary.get().endedAt().isEmpty()))));
        });
    }

    /** A rendition's media playlist; empty when it has no segment. */
    public Future<Optional<Playlist>> media(RecordingId id, RenditionId rendition) {
        String key = id + "/" + rendition;
        String kept = endedPlaylists.get(key);
        if (kept != null) {
            return Future.succeededFuture(Optional.of(new Playlist(kept, false)));
        }
        return summary(id).compose(summary -> {
            if (summary.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            boolean ended = summary.get().endedAt().isPresent();
            return store.children(id.storePrefix() + rendition + "/")
                    .compose(names -> workers.executeBlocking(() -> RecordingPlaylists.media(names, ended, targetDuration,
                            settings.dvrDepth()), false))
                    .map(text -> text.map(made -> kept(key, new Playlist(made, !ended))));
        });
    }

    /** An ended recording's playlist is kept (within a bound of characters, least recently used out first). */
    private Playlist kept(String key, Playlist playlist) {
        if (!playlist.live() && playlist.text().length() < KEPT_PLAYLIST_CHARS / 4) {
            String before = endedPlaylists.put(key, playlist.text());
            endedPlaylistChars += playlist.text().length() - (before == null ? 0 : before.length());
            var eldest = endedPlaylists.entrySet().iterator();
            while (endedPlaylistChars > KEPT_PLAYLIST_CHARS && eldest.hasNext()) {
                endedPlaylistChars -= eldest.next().getValue().length();
                eldest.remove();
            }
        }
        return playlist;
    }

    /** A stored object: an init segment, a segment or the thumbnail. */
    public Future<Optional<Buffer>> object(RecordingPath path) {
        return store.get(path.storeKey().orElseThrow());
    }

    /**
     * Deletes a recording that has ended (here or at another origin); false when there is none.
     * One still being recorded, or whose last writes are not done, is refused.
     */
    public Future<Boolean> delete(RecordingId id) {
        if (recorder.recording(id)) {
            return Future.failedFuture(new IllegalStateException("recording " + id + " is live"));
        }
        return summary(id).compose(summary -> {
            if (summary.isPresent() && summary.get().endedAt().isEmpty()) {
                return Future.failedFuture(new IllegalStateException("recording " + id + " is live at another origin"));
            }
            forget(id);
            return store.children(id.storePrefix()).compose(names -> names.isEmpty() ? Future.succeededFuture(false)
                    : store.deleteAll(id.storePrefix()).map(true));
        });
    }

    private void forget(RecordingId id) {
        endedSummaries.remove(id);
        endedPlaylists.entrySet().removeIf(entry -> {
            boolean mine = entry.getKey().startsWith(id + "/");
            if (mine) {
                endedPlaylistChars -= entry.getValue().length();
            }
            return mine;
        });
    }

    private static JsonObject parse(Buffer json) {
        return new JsonObject(json);
    }
}
