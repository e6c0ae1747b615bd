package dev.vcdn.edge.live;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.shared.events.OriginEvent.PlaylistUpdate;
import dev.vcdn.shared.http.PlaybackHeaders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * What pushes have told this edge of one rendition: the newest playlist and the parts of the
 * last few segments, with the requests waiting for a newer playlist or a part. Event-loop owned.
 */
public final class PushedRendition {

    /** Segments whose parts are kept for assembling the whole segment. */
    static final int SEGMENTS_ASSEMBLED = 3;

    /**
     * A request held for a push: given up at its deadline (nano clock) or once its viewer is gone.
     * Kept with no timer of its own: one sweep a fraction of a second lets go of all that are due.
     */
    private record Hold<T>(Promise<T> promise, long deadlineNanos, BooleanSupplier gone) {

        /** Lets the request go when it is due; true when it did. */
        boolean expire(long now) {
            if (gone.getAsBoolean()) {
                promise.tryFail(new PushUnavailable(PushUnavailable.Reason.GONE));
            } else if (now - deadlineNanos >= 0) {
                promise.tryFail(new PushUnavailable(PushUnavailable.Reason.TIMEOUT));
            } else {
                return false;
            }
            return true;
        }
    }

    private record PlaylistWaiter(long msn, OptionalInt part, Hold<PlaylistUpdate> hold) {
        Promise<PlaylistUpdate> promise() {
            return hold.promise();
        }
    }

    private record PartWaiter(long msn, int part, Hold<Buffer> hold) {
        Promise<Buffer> promise() {
            return hold.promise();
        }
    }

    /** Parts of one segment as pushed, from its first; broken once a part was missed. */
    private static final class SegmentParts {
        final List<Buffer> parts = new ArrayList<>();
        long durationMillis;
        boolean broken;
    }

    private final TreeMap<Long, SegmentParts> parts = new TreeMap<>();
    private List<PlaylistWaiter> playlistWaiters = new ArrayList<>();
    private List<PartWaiter> partWaiters = new ArrayList<>();
    private PlaylistUpdate playlist;
    /** The newest playlist's answers (whole or delta, blocking or not), each made and gzipped once. */
    private final CachedResponse[] answers = new CachedResponse[4];

    /** The newest playlist pushed, empty before the first. */
    public Optional<PlaylistUpdate> playlist() {
        return Optional.ofNullable(playlist);
    }

    /** Takes a newer playlist; an older or equal one (a duplicate push) changes nothing. */
    void update(PlaylistUpdate update) {
        if (playlist != null && !isNewer(update, playlist)) {
            return;
        }
        playlist = update;
        Arrays.fill(answers, null);
        // Thousands may wait on one rendition: the ones still waiting are copied once, not removed one
        // by one; a waiter added while the others are answered goes to the new list.
        List<PlaylistWaiter> waited = playlistWaiters;
        playlistWaiters = new ArrayList<>();
        for (PlaylistWaiter waiter : waited) {
            // A playlist with EXT-X-ENDLIST answers every blocking reload: nothing newer will come.
            if (update.satisfies(waiter.msn(), waiter.part()) || update.ended()) {
                waiter.promise().tryComplete(update);
            } else {
                playlistWaiters.add(waiter);
            }
        }
        if (update.ended()) {
            List<PartWaiter> ended = partWaiters;
            partWaiters = new ArrayList<>();
            ended.forEach(w -> w.promise().tryFail(new PushUnavailable(PushUnavailable.Reason.ENDED)));
            return;
        }
        // A hint names the next part of the open segment; when the segment closes first, that part never exists.
        List<PartWaiter> partsWaited = partWaiters;
        partWaiters = new ArrayList<>();
        for (PartWaiter waiter : partsWaited) {
            boolean closed = waiter.msn() < update.lastMsn() || (waiter.msn() == update.lastMsn() && update.segmentComplete());
            if (closed) {
                SegmentParts segment = this.parts.get(waiter.msn());
                // Only a segment seen whole from its first part proves the part absent; otherwise ask upstream.
                boolean known = segment != null && !segment.broken;
                waiter.promise().tryFail(new PushUnavailable(known ? PushUnavailable.Reason.ABSENT : PushUnavailable.Reason.LOST));
            } else {
                partWaiters.add(waiter);
            }
        }
    }

    /**
     * The answer to a request for {@code update}: its whole text or its delta update, with the cache
     * lifetime of a blocking reload or of a plain one; for the newest playlist made once and shared
     * by every viewer, its gzipped body included (playlists are asked for by every viewer every part).
     */
    public CachedResponse answer(PlaylistUpdate update, boolean delta, boolean blocking) {
        if (update != playlist) {
            return makeAnswer(update, delta, blocking);
        }
        int index = (delta ? 2 : 0) + (blocking ? 1 : 0);
        if (answers[index] == null) {
            answers[index] = makeAnswer(update, delta, blocking);
        }
        return answers[index];
    }

    private static CachedResponse makeAnswer(PlaylistUpdate update, boolean delta, boolean blocking) {
        String text = delta ? update.deltaPlaylist() : update.playlist();
        return CachedResponse.ok(PlaybackHeaders.PLAYLIST_TYPE,
                blocking ? PlaybackHeaders.BLOCKING_PLAYLIST : PlaybackHeaders.LIVE_PLAYLIST, Optional.empty(),
                Buffer.buffer(text), Duration.ZERO).withGzip();
    }

    private static boolean isNewer(PlaylistUpdate a, PlaylistUpdate b) {
        if (a.lastMsn() != b.lastMsn()) {
            return a.lastMsn() > b.lastMsn();
        }
        if (a.lastPart() != b.lastPart()) {
            return a.lastPart() > b.lastPart();
        }
        if (a.segmentComplete() != b.segmentComplete()) {
            return a.segmentComplete();
        }
        if (a.ended() != b.ended()) {
            return a.ended();
        }
        // The same live edge, told again with something else changed: the hint withdrawn because the
        // publisher left or the rendition went down (a player must not wait on it, and shaka-player would
        // give the hinted segment the old init segment), or the other renditions' reports moved on.
        return !a.playlist().equals(b.playlist());
    }

    /** A part arrived; returns false when it does not follow the parts before it (a part was missed). */
    boolean addPart(long msn, int index, Buffer bytes, long durationMillis) {
        SegmentParts segment = parts.computeIfAbsent(msn, m -> new SegmentParts());
        segment.durationMillis += durationMillis;
        boolean inOrder = !segment.broken && index == segment.parts.size();
        if (inOrder) {
            segment.parts.add(bytes);
        } else {
            segment.broken = true;
        }
        while (parts.size() > SEGMENTS_ASSEMBLED) {
            parts.pollFirstEntry();
        }
        List<PartWaiter> waited = partWaiters;
        partWaiters = new ArrayList<>();
        for (PartWaiter waiter : waited) {
            if (waiter.msn() == msn && waiter.part() == index) {
                waiter.promise().tryComplete(bytes);
            } else {
                partWaiters.add(waiter);
            }
        }
        return inOrder;
    }

    /** Media time of segment {@code msn} pushed so far: where its newest part ends, from the segment's start. */
    long pushedMillis(long msn) {
        SegmentParts segment = parts.get(msn);
        return segment == null ? 0 : segment.durationMillis;
    }

    /** The whole segment, when every part of it was pushed here in order. */
    Optional<Buffer> assemble(long msn) {
        SegmentParts segment = parts.get(msn);
        if (segment == null || segment.broken || segment.parts.isEmpty()) {
            return Optional.empty();
        }
        Buffer whole = Buffer.buffer();
        segment.parts.forEach(whole::appendBuffer);
        return Optional.of(whole);
    }

    Future<PlaylistUpdate> awaitPlaylist(long msn, OptionalInt part, long deadlineNanos, BooleanSupplier gone) {
        if (playlist != null && (playlist.satisfies(msn, part) || playlist.ended())) {
            return Future.succeededFuture(playlist);
        }
        Hold<PlaylistUpdate> hold = new Hold<>(Promise.promise(), deadlineNanos, gone);
        playlistWaiters.add(new PlaylistWaiter(msn, part, hold));
        return hold.promise().future();
    }

    Future<Buffer> awaitPart(long msn, int part, long deadlineNanos, BooleanSupplier gone) {
        SegmentParts segment = parts.get(msn);
        if (segment != null && !segment.broken && part < segment.parts.size()) {
            return Future.succeededFuture(segment.parts.get(part));
        }
        Hold<Buffer> hold = new Hold<>(Promise.promise(), deadlineNanos, gone);
        partWaiters.add(new PartWaiter(msn, part, hold));
        return hold.promise().future();
    }

    /** Lets go of the waiters past their deadline (503 upstream of here) and those whose viewer left. */
    void expire(long now) {
        playlistWaiters.removeIf(waiter -> waiter.hold().expire(now));
        partWaiters.removeIf(waiter -> waiter.hold().expire(now));
    }

    int waiting() {
        return playlistWaiters.size() + partWaiters.size();
    }

    /** Lets every waiter go without its object. */
    void release(PushUnavailable.Reason reason) {
        List<PlaylistWaiter> playlistsWaited = playlistWaiters;
        List<PartWaiter> partsWaited = partWaiters;
        playlistWaiters = new ArrayList<>();
        partWaiters = new ArrayList<>();
        playlistsWaited.forEach(w -> w.promise().tryFail(new PushUnavailable(reason)));
        partsWaited.forEach(w -> w.promise().tryFail(new PushUnavailable(reason)));
    }
}
