package dev.vcdn.shared.access;

import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.IntConsumer;

/**
 * Lets playback requests in or answers them, the same at origins and edges: a public channel's
 * always; a private channel's with a valid token or the edge credential (a region peer, an edge
 * filling, another origin relaying); nothing before the access rules are known (503). Refusals
 * are answered before anything is looked up, so nothing private leaves a cache for anyone else.
 */
public final class PlaybackGate {

    private final PlaybackAccess access;
    private final EdgeCredential edges;
    private final IntConsumer refused;

    /** @param refused told the status of every refusal for a token (401 or 403), for a metric */
    public PlaybackGate(PlaybackAccess access, EdgeCredential edges, IntConsumer refused) {
        this.access = access;
        this.edges = edges;
        this.refused = refused;
    }

    /** Whether {@code request} may have {@code channel}'s playback object; when not, it has been answered. */
    public boolean admits(HttpServerRequest request, ChannelName channel, String token) {
        if (!access.ready()) {
            request.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, "1")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .end("access rules not loaded yet\n");
            return false;
        }
        if (!access.isPrivate(channel) || edges.presentIn(request.headers())) {
            return true;
        }
        try {
            access.check(channel, token, () -> request.remoteAddress().hostAddress());
            return true;
        } catch (TokenRefused refusal) {
            refused.accept(refusal.status());
            refusal.answer(request.response());
            return false;
        }
    }

    /** The token to keep with a request let in: its own for a private channel, none for a public one. */
    public String grantedToken(ChannelName channel, String token) {
        return access.isPrivate(channel) ? token : null;
    }
}
