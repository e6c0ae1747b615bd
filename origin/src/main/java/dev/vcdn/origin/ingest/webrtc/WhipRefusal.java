package dev.vcdn.origin.ingest.webrtc;

/** Why a WHIP request is refused, as the HTTP status the client gets (and the body's one line). */
public final class WhipRefusal extends RuntimeException {

    private final int status;

    WhipRefusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
