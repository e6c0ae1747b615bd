package dev.vcdn.shared.hls;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A media segment and, near the live edge, the parts it was delivered in.
 *
 * @param msn             media sequence number
 * @param duration        seconds ({@code #EXTINF})
 * @param uri             relative to the playlist
 * @param programDateTime wall clock of its first frame ({@code #EXT-X-PROGRAM-DATE-TIME})
 * @param discontinuity   follows a break in the timeline (a publisher reconnect)
 * @param parts           its parts, listed only for recent segments
 * @param gap             {@code #EXT-X-GAP}: the rendition has no media for this segment's time
 *                        (its encoder was down while the others went on); players must not load it
 * @param map             {@code #EXT-X-MAP} URI declared before it: the init segment changes here
 *                        (after a publisher reconnect), empty when it is the one before's
 */
public record Segment(long msn, double duration, String uri, Optional<Instant> programDateTime, boolean discontinuity,
                      List<Part> parts, boolean gap, Optional<String> map) {

    /** A segment with media, under the init segment of the one before. */
    public Segment(long msn, double duration, String uri, Optional<Instant> programDateTime, boolean discontinuity,
                   List<Part> parts) {
        this(msn, duration, uri, programDateTime, discontinuity, parts, false, Optional.empty());
    }

    /** A segment under the init segment of the one before. */
    public Segment(long msn, double duration, String uri, Optional<Instant> programDateTime, boolean discontinuity,
                   List<Part> parts, boolean gap) {
        this(msn, duration, uri, programDateTime, discontinuity, parts, gap, Optional.empty());
    }

    public Segment {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(programDateTime, "programDateTime");
        Objects.requireNonNull(map, "map");
        parts = List.copyOf(parts);
        if (msn < 0) {
            throw new IllegalArgumentException("negative media sequence number " + msn);
        }
        if (!(duration > 0)) {
            throw new IllegalArgumentException("segment duration must be positive: " + duration);
        }
    }

    public Segment withoutParts() {
        return new Segment(msn, duration, uri, programDateTime, discontinuity, List.of(), gap, map);
    }
}
