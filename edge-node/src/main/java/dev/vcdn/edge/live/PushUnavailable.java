package dev.vcdn.edge.live;

/** Why a request held for a pushed object is let go without it. */
public final class PushUnavailable extends RuntimeException {

    public enum Reason {
        /** The stream ended before the object existed: nothing more will come. */
        ENDED,
        /** The preload-hinted part never came: its segment ended before it (answered 404, as at the origin). */
        ABSENT,
        /** Pushes stopped (owner gone, new stream, no more viewers): ask upstream instead. */
        LOST,
        /** Nothing came within the blocking timeout (answered 503, as at the origin). */
        TIMEOUT,
        /** The viewer went away meanwhile: nobody to answer. */
        GONE
    }

    private final Reason reason;

    public PushUnavailable(Reason reason) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
