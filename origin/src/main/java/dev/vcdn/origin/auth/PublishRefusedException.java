package dev.vcdn.origin.auth;

/** A publish that is not allowed; the ingest tells its client the matching status and closes. */
public final class PublishRefusedException extends RuntimeException {

    public enum Reason {
        /** Unknown, deleted or rotated stream key. */
        BAD_KEY,
        /** The channel is already live from another publisher. */
        ALREADY_LIVE,
        /** Too many wrong keys from this address lately. */
        RATE_LIMITED,
        /** The auth server did not answer in time or answered nonsense. */
        AUTH_UNAVAILABLE
    }

    private final Reason reason;

    public PublishRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
