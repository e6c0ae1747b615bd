package dev.vcdn.shared.hls;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The tags that open the segment still being written, before its parts: a player fetching those
 * parts must know of a break in the timeline or a new init segment before it reaches them.
 *
 * @param discontinuity   {@code #EXT-X-DISCONTINUITY}: the open segment follows a break (a publisher reconnect)
 * @param map             {@code #EXT-X-MAP} URI, when the open segment starts a new init segment
 * @param programDateTime {@code #EXT-X-PROGRAM-DATE-TIME} of its first frame
 */
public record PendingStart(boolean discontinuity, Optional<String> map, Optional<Instant> programDateTime) {

    /** Nothing declared before the pending parts (or there are none). */
    public static final PendingStart NONE = new PendingStart(false, Optional.empty(), Optional.empty());

    public PendingStart {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(programDateTime, "programDateTime");
    }
}
