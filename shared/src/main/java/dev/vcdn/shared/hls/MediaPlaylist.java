package dev.vcdn.shared.hls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An (LL-)HLS media playlist as the origin writes it and the edge reads it.
 *
 * @param version          {@code #EXT-X-VERSION}
 * @param targetDuration   {@code #EXT-X-TARGETDURATION}, whole seconds
 * @param mediaSequence    msn of the first segment listed (or skipped)
 * @param discontinuitySequence {@code #EXT-X-DISCONTINUITY-SEQUENCE}: discontinuities before the first segment listed
 * @param partTarget       {@code #EXT-X-PART-INF:PART-TARGET}, seconds, for LL-HLS
 * @param serverControl    {@code #EXT-X-SERVER-CONTROL}
 * @param mapUri           {@code #EXT-X-MAP:URI}, the init segment
 * @param skippedSegments  segments a delta update left out ({@code #EXT-X-SKIP}); 0 in a full playlist
 * @param segments         complete segments, oldest first
 * @param pendingStart     what opens the segment still being written, before its parts
 * @param pendingParts     parts of the segment still being written, after the last complete one
 * @param preloadHint      {@code #EXT-X-PRELOAD-HINT:TYPE=PART} URI of the next part
 * @param renditionReports the other renditions' live edges
 * @param endList          the stream has ended ({@code #EXT-X-ENDLIST})
 */
public record MediaPlaylist(int version, int targetDuration, long mediaSequence, long discontinuitySequence,
                            Optional<Double> partTarget, Optional<ServerControl> serverControl, Optional<String> mapUri,
                            int skippedSegments, List<Segment> segments, PendingStart pendingStart, List<Part> pendingParts,
                            Optional<String> preloadHint, List<RenditionReport> renditionReports, boolean endList) {

    /** A playlist whose open segment declares nothing before its parts. */
    public MediaPlaylist(int version, int targetDuration, long mediaSequence, long discontinuitySequence,
                         Optional<Double> partTarget, Optional<ServerControl> serverControl, Optional<String> mapUri,
                         int skippedSegments, List<Segment> segments, List<Part> pendingParts, Optional<String> preloadHint,
                         List<RenditionReport> renditionReports, boolean endList) {
        this(version, targetDuration, mediaSequence, discontinuitySequence, partTarget, serverControl, mapUri, skippedSegments,
                segments, PendingStart.NONE, pendingParts, preloadHint, renditionReports, endList);
    }

    public MediaPlaylist {
        Objects.requireNonNull(partTarget, "partTarget");
        Objects.requireNonNull(serverControl, "serverControl");
        Objects.requireNonNull(mapUri, "mapUri");
        Objects.requireNonNull(preloadHint, "preloadHint");
        Objects.requireNonNull(pendingStart, "pendingStart");
        segments = List.copyOf(segments);
        pendingParts = List.copyOf(pendingParts);
        renditionReports = List.copyOf(renditionReports);
        if (targetDuration <= 0) {
            throw new IllegalArgumentException("target duration must be positive: " + targetDuration);
        }
        if (skippedSegments < 0 || discontinuitySequence < 0) {
            throw new IllegalArgumentException("negative skipped segment count or discontinuity sequence");
        }
    }

    /** The msn of the segment after the last complete one: the one the pending parts belong to. */
    public long nextMsn() {
        return mediaSequence + skippedSegments + segments.size();
    }

    /**
     * The delta update for {@code _HLS_skip}: segments that end more than {@code canSkipUntil}
     * seconds before the live edge are replaced by a count ({@code #EXT-X-SKIP}). The init segment
     * declared at the top is the one in effect for the first segment kept.
     */
    public MediaPlaylist skipOlderThan(double canSkipUntil) {
        double fromEdge = 0;
        int keep = 0;
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (fromEdge >= canSkipUntil) {
                break;
            }
            fromEdge += segments.get(i).duration();
            keep++;
        }
        int skip = segments.size() - keep;
        Optional<String> mapInEffect = mapUri;
        for (Segment skipped : segments.subList(0, skip)) {
            if (skipped.map().isPresent()) {
                mapInEffect = skipped.map();
            }
        }
        List<Segment> kept = new java.util.ArrayList<>(segments.subList(skip, segments.size()));
        if (!kept.isEmpty() && kept.get(0).map().equals(mapInEffect)) {
            Segment first = kept.get(0); // declared at the top already
            kept.set(0, new Segment(first.msn(), first.duration(), first.uri(), first.programDateTime(), first.discontinuity(),
                    first.parts(), first.gap(), Optional.empty()));
        }
        return new MediaPlaylist(Math.max(version, 9), targetDuration, mediaSequence, discontinuitySequence, partTarget,
                serverControl, mapInEffect, skippedSegments + skip, kept, pendingStart, pendingParts, preloadHint,
                renditionReports, endList);
    }
}
