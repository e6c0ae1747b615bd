package dev.vcdn.origin.recording;

import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the retention settings no longer keep: ended recordings older than the retention,
 * then, while the store holds more than its byte bound, the oldest ended ones. A live recording is
 * never deleted. Runs in the background (a timer), one pass at a time.
 */
public final class RecordingRetention {

    private static final Logger log = LoggerFactory.getLogger(RecordingRetention.class);

    /** What one pass did. */
    public record Pass(int deleted, long bytesBefore, long bytesAfter) {
    }

    private record Sized(RecordingLibrary.Summary recording, long bytes) {
    }

    private final RecordingLibrary library;
    private final Duration retention;
    private final long maxBytes;
    private final Clock clock;
    private Future<Pass> running;

    public RecordingRetention(RecordingLibrary library, Duration retention, long maxBytes, Clock clock) {
        this.library = library;
        this.retention = retention;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public boolean enabled() {
        return !retention.isZero() || maxBytes > 0;
    }

    /** One pass; while one runs, that one. */
    public Future<Pass> enforce() {
        if (running != null && !running.isComplete()) {
            return running;
        }
        running = recordings().compose(this::sized).compose(this::trim).onComplete(done -> {
            if (done.failed()) {
                log.warn("recording retention pass failed, the next one tries again: {}", done.cause().getMessage());
            } else if (done.result().deleted() > 0) {
                log.info("recording retention deleted {} recordings, {} -> {} bytes", done.result().deleted(),
                        done.result().bytesBefore(), done.result().bytesAfter());
            }
        });
        return running;
    }

    private Future<List<RecordingLibrary.Summary>> recordings() {
        return library.store().children("").compose(channels -> RecordingLibrary.inTurns(channels.stream()
                .filter(ChannelName::isValid).map(ChannelName::of).toList(), 1, library::list))
                .map(lists -> lists.stream().flatMap(List::stream).toList());
    }

    private Future<List<Sized>> sized(List<RecordingLibrary.Summary> recordings) {
        if (maxBytes == 0) {
            return Future.succeededFuture(recordings.stream().map(r -> new Sized(r, 0)).toList());
        }
        return RecordingLibrary.inTurns(recordings, RecordingLibrary.AT_ONCE, recording -> library.store()
                .size(recording.id().storePrefix()).map(bytes -> new Sized(recording, bytes)));
    }

    private Future<Pass> trim(List<Sized> recordings) {
        Instant keepFrom = clock.instant().minus(retention);
        List<Sized> oldestFirst = new ArrayList<>(recordings);
        oldestFirst.sort(Comparator.comparing(sized -> sized.recording().startedAt()));
        long total = recordings.stream().mapToLong(Sized::bytes).sum();
        long remaining = total;
        List<Sized> doomed = new ArrayList<>();
        for (Sized sized : oldestFirst) {
            Optional<Instant> endedAt = sized.recording().endedAt();
            if (endedAt.isEmpty()) {
                continue;
            }
            boolean tooOld = !retention.isZero() && endedAt.get().isBefore(keepFrom);
            boolean overBound = maxBytes > 0 && remaining > maxBytes;
            if (tooOld || overBound) {
                doomed.add(sized);
                remaining -= sized.bytes();
            }
        }
        return deleteAll(doomed, 0).map(new Pass(doomed.size(), total, remaining));
    }

    private Future<Void> deleteAll(List<Sized> doomed, int from) {
        if (from >= doomed.size()) {
            return Future.succeededFuture();
        }
        RecordingId id = doomed.get(from).recording().id();
        return library.delete(id).<Void>mapEmpty().recover(error -> {
            log.warn("recording {} not deleted by retention, the next pass tries again: {}", id, error.getMessage());
            return Future.succeededFuture();
        }).compose(ignored -> deleteAll(doomed, from + 1));
    }
}
