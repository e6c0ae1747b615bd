package dev.vcdn.origin.packager;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PendingStart;
import dev.vcdn.shared.hls.Part;
import dev.vcdn.shared.hls.RenditionReport;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.ServerControl;
import dev.vcdn.shared.http.PlaybackPath;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * What one rendition has published: its init segment and the parts of the last {@code window}
 * of segments, with the waiters of blocking requests. Owned by one event loop: the packager
 * thread hands parts over with runOnContext.
 */
public final class RenditionWindow {

    /**
     * Segments whose parts are listed, counting back from the end, the open one (or the one the
     * preload hint begins) included: parts stay within three target durations of the end, as RFC
     * 8216bis asks (strict parsers refuse a playlist with more), and players join PART-HOLD-BACK
     * (1 s) from the end.
     */
    static final int SEGMENTS_WITH_PARTS = 3;

    /** A part; a gap part ({@code gap}) has no bytes: its rendition had no media for that time. */
    public record StoredPart(int index, Buffer bytes, long durationMillis, boolean independent, boolean gap) {
    }

    public static final class StoredSegment {
        final long msn;
        final Instant programDateTime;
        final boolean discontinuity;
        /** The init segment it is played with, and whether that one starts here (EXT-X-MAP before it). */
        final String map;
        final boolean mapChanges;
        final List<StoredPart> parts = new ArrayList<>();
        long durationMillis;
        boolean complete;

        /** Wall-clock time (at ingest) where its newest part ends. */
        Instant mediaEnd() {
            return programDateTime.plusMillis(durationMillis);
        }

        public boolean complete() {
            return complete;
        }

        /** Its parts so far; read on the window's event loop only. */
        public List<StoredPart> parts() {
            return parts;
        }

        StoredSegment(long msn, Instant programDateTime, boolean discontinuity, String map, boolean mapChanges) {
            this.msn = msn;
            this.programDateTime = programDateTime;
            this.discontinuity = discontinuity;
            this.map = map;
            this.mapChanges = mapChanges;
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

    /**
     * PART-HOLD-BACK in part targets: three, the spec's "should" (RFC 8216bis 4.4.3.8). Two, its
     * least, took a quarter second off the steady latency at hls.js, but in 2 of 12 benchmark runs
     * hls.js stalled for about 5 s in its first seconds and then sat 6 s behind for the rest of
     * the run (it adds to its target after a stall and does not catch up from that far): until
     * that is understood, a part more of buffer.
     */
    static final double PART_HOLD_BACK_PARTS = 3;

    private final PackagingSettings settings;
    /** Init segments by URI: the current one, and older ones that segments in the window are played with. */
    private final Map<String, Buffer> initSegments = new HashMap<>();
    /** The current init segment: named by the first segment it describes, so no name ever holds other bytes. */
    private String currentMap;
    private long currentMapFirstMsn;
    /** No segment names the current init segment yet: a restart before one may replace it under the same name. */
    private boolean mapPending = true;
    /** The current init segment has been told to the subscribers (with its first part). */
    private boolean mapAnnounced;
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
    /** Gap segments to list before the first media, once its time is known ({@link #continuing}). */
    private int leadingGaps;
    /** Told of every segment with media once it is complete: the broadcast's recording, when it has one. */
    private Consumer<Recording.CompletedSegment> completed;

    /**
     * @param firstMsn        the number of its first segment: where its broadcast's numbering is when it starts
     * @param discontinuities the discontinuity sequence number of its first segment: above 0 (a rendition that
     *                        starts after a join), that segment is marked as a discontinuity, so that every
     *                        rendition of the broadcast numbers its discontinuities alike
     */
    RenditionWindow(PackagingSettings settings, byte[] initSegment, long firstMsn, long discontinuities) {
        this.settings = settings;
        msnOffset = firstMsn;
        if (discontinuities > 0) {
            discontinuitySequence = discontinuities - 1;
            discontinuityPending = true;
        }
        useInit(initSegment, firstMsn);
    }

    /**
     * The window of a rendition of a broadcast that goes on from another origin: {@code gaps} gap
     * segments in that origin's discontinuity sequence ({@code discontinuitySequence}), numbered up
     * to {@code firstMediaMsn} and ending where the media starts, then the media after a
     * discontinuity. Players that hold part of the last segments there see the timeline go on.
     */
    static RenditionWindow continuing(PackagingSettings settings, byte[] initSegment, long firstMediaMsn, int gaps,
                                      long discontinuitySequence) {
        RenditionWindow window = new RenditionWindow(settings, initSegment, firstMediaMsn, 0);
        window.discontinuitySequence = discontinuitySequence;
        window.discontinuityPending = true;
        window.leadingGaps = gaps;
        return window;
    }

    private void useInit(byte[] initSegment, long firstMsn) {
        currentMapFirstMsn = firstMsn;
        currentMap = PlaybackPath.initName(OptionalLong.of(firstMsn));
        initSegments.put(currentMap, Buffer.buffer(initSegment));
        mapPending = true;
        mapAnnounced = false;
    }

    /** The init segment of what is produced now. */
    public Buffer initSegment() {
        return initSegments.get(currentMap);
    }

    /** The init segment named {@code uri} ({@code init-42.mp4}), while a segment in the window uses it. */
    public Optional<Buffer> initSegment(String uri) {
        return Optional.ofNullable(initSegments.get(uri));
    }

    /** The first segment the current init segment describes: its name. */
    long currentMapFirstMsn() {
        return currentMapFirstMsn;
    }

    /**
     * True once, when the current init segment is first used by a part: it is told to the
     * subscribers then, not before, since until then a restart may still replace it.
     */
    boolean announceInit() {
        if (mapAnnounced || mapPending) {
            return false;
        }
        mapAnnounced = true;
        return true;
    }

    /** Whether the subscribers have been told the current init segment. */
    boolean initAnnounced() {
        return mapAnnounced;
    }

    /**
     * Its publisher left or was taken over: what it delivered of the open segment is all there
     * will be, and nothing is hinted until a publish goes on with it.
     */
    void closeOpenSegment() {
        StoredSegment last = segments.peekLast();
        if (last != null && !last.parts.isEmpty() && !last.complete) {
            complete(last);
            wake();
        }
        down = true;
    }

    /** Where a segment starts and how long it lasts: a gap segment of the same number in another rendition matches it. */
    record SegmentSpan(Instant start, long durationMillis) {
    }

    /** This rendition's span of segment {@code msn}, once the segment is complete. */
    Optional<SegmentSpan> completeSpan(long msn) {
        return segment(msn).filter(segment -> segment.complete)
                .map(segment -> new SegmentSpan(segment.programDateTime, segment.durationMillis));
    }

    /**
     * The rendition goes on from a new publish of the same broadcast (a publisher reconnect), at
     * segment {@code startMsn}, where the broadcast's other renditions go on too (numbers it has no
     * media for are gap segments, as long as {@code elsewhere} says the other renditions have that
     * number, a whole segment where none has: every rendition keeps one timeline, or players that
     * line renditions up by PROGRAM-DATE-TIME, shaka-player, place the new publish differently per
     * rendition): that segment is marked as a discontinuity and declares the new init segment under
     * a name of its own ({@code init-<msn>.mp4}), so no URL ever names two different objects and
     * players see the break.
     */
    void restart(byte[] initSegment, long startMsn, LongFunction<Optional<SegmentSpan>> elsewhere) {
        closeOpenSegment();
        while (nextMsn() < startMsn) {
            gapSegment(elsewhere.apply(nextMsn()));
        }
        msnOffset = nextMsn();
        discontinuityPending = true;
        useInit(initSegment, msnOffset);
        down = false;
    }

    /** A segment of gap after the last one: the time a rendition has no media for across a reconnect. */
    private void gapSegment(Optional<SegmentSpan> asElsewhere) {
        StoredSegment last = segments.peekLast();
        Instant start = asElsewhere.map(SegmentSpan::start)
                .orElseGet(() -> last == null ? Instant.now() : last.programDateTime.plusMillis(last.durationMillis));
        long msn = nextMsn();
        long remaining = Math.max(1, asElsewhere.map(SegmentSpan::durationMillis).orElse(settings.segmentTarget().toMillis()));
        long partTarget = settings.partTarget().toMillis();
        for (int index = 0; remaining > 0; index++) {
            long duration = Math.min(partTarget, remaining);
            remaining -= duration;
            addGap(msn, index, duration, start, remaining == 0);
        }
    }

    /** Whether its producer is down (no preload hint while it is: the next part would be a gap). */
    void down(boolean isDown) {
        down = isDown;
    }

    /** The playlist number of the packager's segment {@code msn}. */
    long playlistMsn(long msn) {
        return msn + msnOffset;
    }

    /** The discontinuity sequence number the next segment will have. */
    long nextDiscontinuity() {
        long marked = segments.stream().filter(segment -> segment.discontinuity).count();
        return discontinuitySequence + marked + (discontinuityPending ? 1 : 0);
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
        if (leadingGaps > 0) {
            addLeadingGaps(msn, segmentStart);
        }
        StoredSegment segment = segments.peekLast();
        if (segment == null || segment.msn != msn) {
            segment = new StoredSegment(msn, segmentStart, discontinuityPending, currentMap, mapPending);
            discontinuityPending = false;
            mapPending = part.gap() && mapPending; // a gap names no init segment yet
            segments.addLast(segment);
        }
        segment.parts.add(part);
        segment.durationMillis += part.durationMillis();
        if (lastOfSegment) {
            complete(segment);
        }
        trim();
        wake();
    }

    /** The gap segments before the first media segment {@code firstMsn}, which starts at {@code mediaStart}. */
    private void addLeadingGaps(long firstMsn, Instant mediaStart) {
        long segmentMillis = settings.segmentTarget().toMillis();
        long partTarget = settings.partTarget().toMillis();
        for (int before = leadingGaps; before > 0; before--) {
            StoredSegment gap = new StoredSegment(firstMsn - before, mediaStart.minusMillis(before * segmentMillis), false,
                    currentMap, false);
            for (long remaining = segmentMillis; remaining > 0; remaining -= partTarget) {
                long duration = Math.min(partTarget, remaining);
                gap.parts.add(new StoredPart(gap.parts.size(), Buffer.buffer(), duration, false, true));
                gap.durationMillis += duration;
            }
            gap.complete = true;
            segments.addLast(gap);
        }
        leadingGaps = 0;
    }

    void end() {
        ended = true;
        StoredSegment last = segments.peekLast();
        if (last != null && !last.parts.isEmpty() && !last.complete) {
            complete(last);
        }
        waiters.forEach(w -> w.promise().tryFail("stream ended"));
        waiters.clear();
    }

    public boolean ended() {
        return ended;
    }

    /** From now on, every segment with media that completes is told to {@code listener}. */
    void completedTo(Consumer<Recording.CompletedSegment> listener) {
        completed = listener;
    }

    private void complete(StoredSegment segment) {
        boolean already = segment.complete;
        segment.complete = true;
        // Told once: a producer that outlived its publish may still deliver the last part of a segment closed for it.
        if (already || completed == null || segment.gap()) {
            return;
        }
        long discontinuity = discontinuitySequence;
        for (StoredSegment listed : segments) {
            if (listed.discontinuity) {
                discontinuity++;
            }
            if (listed == segment) {
                break;
            }
        }
        completed.accept(new Recording.CompletedSegment(segment.msn, segment.programDateTime, segment.durationMillis,
                discontinuity, segment.map, initSegments.get(segment.map), segment.bytes()));
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
        initSegments.keySet().removeIf(uri -> !uri.equals(currentMap) && segments.stream().noneMatch(s -> s.map.equals(uri)));
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
        PendingStart pendingStart = PendingStart.NONE;
        List<StoredSegment> all = new ArrayList<>(segments);
        int completeCount = (int) all.stream().filter(s -> s.complete).count();
        boolean openTail = !ended && !down || all.stream().anyMatch(s -> !s.complete);
        int completeWithParts = SEGMENTS_WITH_PARTS - (openTail ? 1 : 0);
        for (StoredSegment segment : all) {
            List<Part> parts = segment.parts.stream()
                    .map(p -> new Part(p.durationMillis() / 1000.0, segment.msn + "." + p.index() + ".m4s", p.independent(),
                            p.gap()))
                    .toList();
            // The first segment's init segment is declared at the top; a later one where it changes.
            Optional<String> map = segment != all.get(0) && segment.mapChanges ? Optional.of(segment.map) : Optional.empty();
            if (segment.complete) {
                boolean recent = complete.size() >= completeCount - completeWithParts;
                complete.add(new Segment(segment.msn, segment.durationMillis / 1000.0, segment.msn + ".m4s",
                        Optional.of(segment.programDateTime), segment.discontinuity, recent ? parts : List.of(), segment.gap(),
                        map));
            } else {
                pending.addAll(parts);
                pendingStart = new PendingStart(segment.discontinuity, map, Optional.of(segment.programDateTime));
            }
        }
        long firstMsn = all.isEmpty() ? 0 : all.get(0).msn;
        Optional<String> preloadHint = Optional.empty();
        if (!ended && !down) {
            StoredSegment last = segments.peekLast();
            preloadHint = last == null ? Optional.of(msnOffset + ".0.m4s")
                    : Optional.of(last.complete ? (last.msn + 1) + ".0.m4s" : last.msn + "." + last.parts.size() + ".m4s");
        }
        double partTarget = settings.partTargetSeconds();
        int target = settings.targetDurationSeconds();
        ServerControl control = new ServerControl(true, Optional.of(6.0 * target), false, Optional.of(3.0 * target),
                Optional.of(PART_HOLD_BACK_PARTS * partTarget));
        return new MediaPlaylist(9, target, firstMsn, discontinuitySequence, Optional.of(partTarget), Optional.of(control),
                Optional.of(all.isEmpty() ? currentMap : all.get(0).map), 0, complete, pendingStart, pending, preloadHint, reports,
                ended);
    }
}
