package dev.vcdn.shared.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of a router: a JSON body with the status and a short reason, never a
 * stack trace; unexpected errors are logged once here and answered 500. Error responses are
 * never cacheable.
 */
public final class ErrorRenderer implements Handler<RoutingContext> {

    private static final Logger log = LoggerFactory.getLogger(ErrorRenderer.class);
    /**
     * Put (true) in the routing context before failing with 404 when the answer may be kept a
     * second (nothing of that name exists anywhere): caches in front answer crowds asking for it.
     * Other errors are never kept: they may change the next moment.
     */
    public static final String NOT_FOUND_KEEPABLE = "vcdn.not-found-keepable";
    public static final String KEPT_NOT_FOUND = "public, max-age=1";

    @Override
    public void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String message;
        if (failure instanceof HttpException http) {
            status = http.getStatusCode();
            message = http.getPayload() != null ? http.getPayload() : reason(status);
        } else if (failure != null) {
            log.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.toString(), failure);
            status = 500;
            message = reason(500);
        } else {
            message = reason(status);
        }
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL,
                        status == 404 && Boolean.TRUE.equals(ctx.get(NOT_FOUND_KEEPABLE)) ? KEPT_NOT_FOUND : "no-store")
                .end(new JsonObject().put("error", message).encode());
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authorization required";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            default -> status >= 500 ? "internal error" : "request failed";
        };
    }
}
