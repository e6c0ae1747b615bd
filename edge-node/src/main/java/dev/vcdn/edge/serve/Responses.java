package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.CachedResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes a playback answer with the origin's headers; an immutable object the client has already is a 304. */
final class Responses {

    private Responses() {
    }

    static void send(RoutingContext ctx, CachedResponse answer, EdgeMetrics metrics) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(answer.status());
        answer.cacheControl().ifPresent(value -> response.putHeader(HttpHeaders.CACHE_CONTROL, value));
        answer.etag().ifPresent(value -> response.putHeader(HttpHeaders.ETAG, value));
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (answer.status() == 200 && answer.etag().isPresent()
                && answer.etag().get().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        answer.contentType().ifPresent(value -> response.putHeader(HttpHeaders.CONTENT_TYPE, value));
        metrics.sent(answer.body().length());
        response.end(answer.body());
    }
}
