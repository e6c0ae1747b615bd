package dev.vcdn.shared.access;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * A playback request refused for its token: {@code 401} when there is none, {@code 403} when it
 * is malformed, forged, expired, revoked or for something else. The reason is short, plain and
 * safe to show the viewer: it never repeats the token.
 */
public final class TokenRefused extends Exception {

    private final int status;

    public TokenRefused(int status, String reason) {
        super(reason, null, false, false);
        if (status != 401 && status != 403) {
            throw new IllegalArgumentException("a token is refused with 401 or 403, not " + status);
        }
        this.status = status;
    }

    public static TokenRefused missing() {
        return new TokenRefused(401, "this stream is private: a playback token is required");
    }

    public static TokenRefused forbidden(String reason) {
        return new TokenRefused(403, reason);
    }

    public int status() {
        return status;
    }

    /** Answers the request with this refusal: its status and reason, never cached (by the browser or a cache on the way). */
    public void answer(HttpServerResponse response) {
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(getMessage() + "\n");
    }
}
