package dev.vcdn.shared.hls;

/**
 * Where a rendition's newest part is, and the rules for requests ahead of it that the origin and
 * the edge both apply: how far ahead a part may be waited for (a preload hint names the next
 * one), and how far ahead a blocking reload is refused.
 *
 * @param msn  segment of the newest part, -1 before the first part
 * @param part index of the newest part in {@code msn}
 */
public record LiveEdge(long msn, int part) {

    /** Before the first part. */
    public static final LiveEdge NONE = new LiveEdge(-1, 0);
    /** How many parts past the newest one a part request is held. */
    public static final int PARTS_AHEAD = 4;
    /** A blocking reload for a segment this many past the newest one's is refused with 400 (RFC 8216bis 6.2.5.2). */
    public static final int SEGMENTS_AHEAD = 2;

    public boolean tooFarAhead(long requestedMsn) {
        return requestedMsn > msn + SEGMENTS_AHEAD;
    }

    /** Whether part {@code index} of segment {@code requestedMsn} is close enough ahead to wait for. */
    public boolean mayHold(long requestedMsn, int index) {
        if (msn < 0) {
            return requestedMsn == 0 && index < PARTS_AHEAD;
        }
        return (requestedMsn == msn && index > part && index <= part + PARTS_AHEAD)
                || (requestedMsn == msn + 1 && index < PARTS_AHEAD);
    }
}
