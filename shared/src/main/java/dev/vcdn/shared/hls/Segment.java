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
 */
public record Segment(long msn, double duration, String uri, Optional<Instant> programDateTime, boolean discontinuity,
                      List<Part> parts, boolean gap) {

    /** A segment with media. */
    public Segment(long msn, double duration, String uri, Optional<Instant> programDateTime, boolean discontinuity,
                   List<Part> parts) {
        this(msn, duration, uri, programDateTime, discontinuity, parts, false);
    }

    public Segment {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(programDateTime, "programDateTime");
        parts = List.copyOf(parts);
        if (msn < 0) {
            throw new IllegalArgumentException("negative media sequence number " + msn);
        }
        if (!(duration > 0)) {
            throw new IllegalArgumentException("segment duration must be positive: " + duration);
        }
    }

    public Segment withoutParts() {
        return new Segment(msn, duration, uri, programDateTime, discontinuity, List.of(), gap);
    }
}
