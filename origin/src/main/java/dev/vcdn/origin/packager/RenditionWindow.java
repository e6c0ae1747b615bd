package dev.vcdn.origin.packager;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.Part;
import dev.vcdn.shared.hls.RenditionReport;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.ServerControl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * What one rendition has published: its init segment and the parts of the last {@code window}
 * of segments, with the waiters of blocking requests. Owned by one event loop: the packager
 * thread hands parts over with runOnContext.
 */
public final class RenditionWindow {

    /** Segments whose parts are listed in the playlist, counting back from the live edge. */
    static final int SEGMENTS_WITH_PARTS = 3;

    /** A part; a gap part ({@code gap}) has no bytes: its rendition had no media for that time. */
    public record StoredPart(int index, Buffer bytes, long durationMillis, boolean independent, boolean gap) {
    }

    public static final class StoredSegment {
        final long msn;
        final Instant programDateTime;
        final boolean discontinuity;
        final List<StoredPart> parts = new ArrayList<>();
        long durationMillis;
        boolean complete;

        public boolean complete() {
            return complete;
        }

        /** Its parts so far; read on the window's event loop only. */
        public List<StoredPart> parts() {
            return parts;
        }

        StoredSegment(long msn, Instant programDateTime, boolean discontinuity) {
            this.msn = msn;
            this.programDateTime = programDateTime;
            this.discontinuity = discontinuity;
        }

        long size() {
            return parts.stream().mapToLong(part -> part.bytes().length()).sum();
        }

        /** No media at all in this segment: listed with EXT-X-GAP, never served. */
        public boolean gap() {
            return !parts.isEmpty() && parts.stream().allMatch(StoredPart::gap);
        }

        public Buffer bytes() {
            Buffer whole = Buffer.buffer();
            parts.forEach(part -> whole.appendBuffer(part.bytes()));
            return whole;
        }
    }

    private record Waiter(long msn, int part, Promise<Void> promise) {
    }

    private final PackagingSettings settings;
    private final Buffer initSegment;
    private final ArrayDeque<StoredSegment> segments = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean ended;
    /** Added to the packager's segment numbers: a stream that follows another on the same channel continues its numbering. */
    private long msnOffset;
    private boolean discontinuityPending;
    /** Discontinuities of the segments trimmed out of the window: EXT-X-DISCONTINUITY-SEQUENCE. */
    private long discontinuitySequence;
    /** Its producer is down: nothing is hinted, the next parts will be gaps. */
    private boolean down;

    RenditionWindow(PackagingSettings settings, byte[] initSegment) {
        this.settings = settings;
        this.initSegment = Buffer.buffer(initSegment);
    }

    public Buffer initSegment() {
        return initSegment;
    }

    /**
     * This rendition follows the same rendition of the channel's previous stream (a publisher
     * reconnect): numbering goes on from {@code nextMsn} and the first segment is marked as a
     * discontinuity, so no URL ever names two different objects and players see the break.
     */
    void continueAfter(long nextMsn) {
        msnOffset = nextMsn;
        discontinuityPending = true;
    }

    /** Whether its producer is down (no preload hint while it is: the next part would be a gap). */
    void down(boolean isDown) {
        down = isDown;
    }

    /** The playlist number of the packager's segment {@code msn}. */
    long playlistMsn(long msn) {
        return msn + msnOffset;
    }

    /** The msn the next segment will get. */
    long nextMsn() {
        StoredSegment last = segments.peekLast();
        return last == null ? msnOffset : last.msn + 1;
    }

    /**
     * A finished part; {@code msn} is already a playlist number ({@link #playlistMsn}). The last
     * part of a segment completes it in the same step, so no playlist ever hints a part after it.
     */
    void addPart(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant segmentStart,
                 boolean lastOfSegment) {
        add(msn, new StoredPart(index, Buffer.buffer(bytes), durationMillis, independent, false), segmentStart, lastOfSegment);
    }

    /** A part's worth of time without media (its producer was down); the last one of a segment completes it. */
    void addGap(long msn, int index, long durationMillis, Instant segmentStart, boolean lastOfSegment) {
        add(msn, new StoredPart(index, Buffer.buffer(), durationMillis, false, true), segmentStart, lastOfSegment);
    }

    private void add(long msn, StoredPart part, Instant segmentStart, boolean lastOfSegment) {
        StoredSegment segment = segments.peekLast();
        if (segment == null || segment.msn != msn) {
            segment = new StoredSegment(msn, segmentStart, discontinuityPending);
            discontinuityPending = false;
            segments.addLast(segment);
        }
        segment.parts.add(part);
        segment.durationMillis += part.durationMillis();
        segment.complete = lastOfSegment;
        trim();
        wake();
    }

    void end() {
        ended = true;
        StoredSegment last = segments.peekLast();
        if (last != null && !last.parts.isEmpty()) {
            last.complete = true;
        }
        waiters.forEach(w -> w.promise().tryFail("stream ended"));
        waiters.clear();
    }

    public boolean ended() {
        return ended;
    }

    private void trim() {
        long keep = settings.window().toMillis();
        long total = segments.stream().mapToLong(s -> s.durationMillis).sum();
        while (segments.size() > 1 && total - segments.peekFirst().durationMillis >= keep) {
            StoredSegment trimmed = segments.removeFirst();
            total -= trimmed.durationMillis;
            if (trimmed.discontinuity) {
                discontinuitySequence++;
            }
        }
    }

    /** The live edge: msn and part of the newest part, or empty before the first one. */
    public Optional<long[]> lastPart() {
        StoredSegment last = segments.peekLast();
        if (last == null || last.parts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {last.msn, last.parts.size() - 1L});
    }

    public Optional<Long> firstMsn() {
        return Optional.ofNullable(segments.peekFirst()).map(s -> s.msn);
    }

    /** Part number meaning "the whole segment" in {@link #has} and {@link #await}. */
    public static final int WHOLE_SEGMENT = -1;

    /**
     * True when part {@code part} of segment {@code msn} exists (a part past a complete
     * segment's end means the next segment's first), or with {@link #WHOLE_SEGMENT} when the
     * segment is complete.
     */
    boolean has(long msn, int part) {
        if (part == WHOLE_SEGMENT) {
            return segments.stream().anyMatch(s -> s.msn == msn && s.complete)
                    || firstMsn().map(first -> msn < first).orElse(false);
        }
        for (StoredSegment segment : segments) {
            if (segment.msn == msn) {
                if (part < segment.parts.size()) {
                    return true;
                }
                return segment.complete && hasNextSegmentStart(msn);
            }
        }
        return false;
    }

    private boolean hasNextSegmentStart(long msn) {
        return segments.stream().anyMatch(s -> s.msn == msn + 1 && !s.parts.isEmpty());
    }

    /** Completes when the part exists (at once if it does); fails when the stream ends first. */
    public Future<Void> await(long msn, int part) {
        if (has(msn, part)) {
            return Future.succeededFuture();
        }
        if (ended) {
            return Future.failedFuture("stream ended");
        }
        Promise<Void> promise = Promise.promise();
        waiters.add(new Waiter(msn, part, promise));
        return promise.future();
    }

    /** Forgets a waiter that gave up (timeout or closed connection). */
    public void cancel(Future<Void> waiting) {
        waiters.removeIf(w -> w.promise().future() == waiting);
    }

    private void wake() {
        Iterator<Waiter> it = waiters.iterator();
        while (it.hasNext()) {
            Waiter waiter = it.next();
            if (has(waiter.msn(), waiter.part())) {
                it.remove();
                waiter.promise().tryComplete();
            }
        }
    }

    public Optional<StoredSegment> segment(long msn) {
        return segments.stream().filter(s -> s.msn == msn).findFirst();
    }

    /** Average bits per second over the complete segments in the window, when there is one. */
    Optional<Long> averageBitrate() {
        long bytes = 0;
        long millis = 0;
        for (StoredSegment segment : segments) {
            if (segment.complete) {
                bytes += segment.size();
                millis += segment.durationMillis;
            }
        }
        return millis == 0 ? Optional.empty() : Optional.of(bytes * 8_000 / millis);
    }

    /** Highest bits per second of a complete segment in the window. */
    Optional<Long> peakBitrate() {
        return segments.stream().filter(s -> s.complete && s.durationMillis > 0)
                .map(s -> s.size() * 8_000 / s.durationMillis)
                .max(Long::compare);
    }

    MediaPlaylist playlist(List<RenditionReport> reports) {
        List<Segment> complete = new ArrayList<>();
        List<Part> pending = new ArrayList<>();
        List<StoredSegment> all = new ArrayList<>(segments);
        int completeCount = (int) all.stream().filter(s -> s.complete).count();
        for (StoredSegment segment : all) {
            List<Part> parts = segment.parts.stream()
                    .map(p -> new Part(p.durationMillis() / 1000.0, segment.msn + "." + p.index() + ".m4s", p.independent(),
                            p.gap()))
                    .toList();
            if (segment.complete) {
                boolean recent = complete.size() >= completeCount - SEGMENTS_WITH_PARTS;
                complete.add(new Segment(segment.msn, segment.durationMillis / 1000.0, segment.msn + ".m4s",
                        Optional.of(segment.programDateTime), segment.discontinuity, recent ? parts : List.of(), segment.gap()));
            } else {
                pending.addAll(parts);
            }
        }
        long firstMsn = all.isEmpty() ? 0 : all.get(0).msn;
        Optional<String> preloadHint = Optional.empty();
        if (!ended && !down) {
            StoredSegment last = segments.peekLast();
            preloadHint = last == null ? Optional.of("0.0.m4s")
                    : Optional.of(last.complete ? (last.msn + 1) + ".0.m4s" : last.msn + "." + last.parts.size() + ".m4s");
        }
        double partTarget = settings.partTargetSeconds();
        int target = settings.targetDurationSeconds();
        ServerControl control = new ServerControl(true, Optional.of(6.0 * target), false, Optional.of(3.0 * target),
                Optional.of(3 * partTarget));
        return new MediaPlaylist(9, target, firstMsn, discontinuitySequence, Optional.of(partTarget), Optional.of(control),
                Optional.of("init.mp4"), 0, complete, pending, preloadHint, reports, ended);
    }
}
