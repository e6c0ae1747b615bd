package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.CachedResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Writes a playback answer with the origin's headers; an immutable object the client has already
 * is a 304. A text answer goes gzipped to a client that takes gzip, from the copy compressed once
 * for everyone; nothing is compressed per response (media would not shrink, and playlists are
 * asked for by every viewer every part).
 */
final class Responses {

    private Responses() {
    }

    /** Fails the request with {@code status} (the router's error page), unless it was answered meanwhile. */
    static void fail(ViewerRequest request, int status) {
        request.onConnection(() -> {
            RoutingContext ctx = request.ctx();
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.fail(status);
            }
        });
    }

    /**
     * Sends an answer the core made, on the request's connection loop. Its body is held here, before
     * the hop, so that a slow hop cannot outlast the cache's grace for an entry that just left.
     */
    static void send(ViewerRequest request, CachedResponse answer, EdgeMetrics metrics) {
        boolean held = answer.holdBody();
        request.onConnection(() -> {
            if (!held) {
                bodyGone(request.ctx().response());
                return;
            }
            long sinceArrival = request.sinceArrivalMicros();
            if (sinceArrival >= 0 && !request.ctx().response().ended()) {
                request.ctx().response().putHeader(PlaybackHandler.SINCE_ARRIVAL_HEADER, Long.toString(sinceArrival));
            }
            sendHeld(request.ctx(), answer, metrics);
        });
    }

    /**
     * Sends an answer; on the request's connection loop. A body in native memory is held from
     * before the write until the write is done (or failed), so the cache frees it only after that.
     */
    static void send(RoutingContext ctx, CachedResponse answer, EdgeMetrics metrics) {
        if (!answer.holdBody()) {
            bodyGone(ctx.response());
            return;
        }
        sendHeld(ctx, answer, metrics);
    }

    /** The answer's entry left the cache long before this send and its body is freed: never seen, the grace is seconds. */
    private static void bodyGone(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, "1").putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
        }
    }

    /** Sends an answer whose body this send holds, and lets go of it when the write is done or failed. */
    private static void sendHeld(RoutingContext ctx, CachedResponse answer, EdgeMetrics metrics) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            answer.releaseBody();
            return;
        }
        try {
            write(ctx, response, answer, metrics).onComplete(done -> answer.releaseBody());
        } catch (RuntimeException e) {
            if (!response.ended()) {
                answer.releaseBody(); // nothing was handed to Netty
            }
            // else: the body may be in Netty's hands and the end's Future lost: the GC's cleaner frees it
            throw e;
        }
    }

    private static Future<Void> write(RoutingContext ctx, HttpServerResponse response, CachedResponse answer, EdgeMetrics metrics) {
        response.setStatusCode(answer.status());
        answer.cacheControl().ifPresent(value -> response.putHeader(HttpHeaders.CACHE_CONTROL, value));
        answer.etag().ifPresent(value -> response.putHeader(HttpHeaders.ETAG, value));
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (answer.status() == 200 && answer.etag().isPresent()
                && answer.etag().get().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            return response.setStatusCode(304).end();
        }
        answer.contentType().ifPresent(value -> response.putHeader(HttpHeaders.CONTENT_TYPE, value));
        Buffer body = answer.body();
        if (answer.isText()) {
            response.putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        }
        if (answer.gzipped().isPresent() && acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            body = answer.gzipped().get();
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        metrics.sent(body.length());
        return response.end(body);
    }

    /**
     * Whether an Accept-Encoding header takes gzip: named without {@code q=0}, or, when not named, a
     * {@code *} without {@code q=0}.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean star = null;
        for (String coding : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim();
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                refused |= parts[i].replace(" ", "").matches("q=0(\\.0{0,3})?");
            }
            if (name.equals("gzip")) {
                return !refused;
            }
            if (name.equals("*")) {
                star = !refused;
            }
        }
        return Boolean.TRUE.equals(star);
    }
}
