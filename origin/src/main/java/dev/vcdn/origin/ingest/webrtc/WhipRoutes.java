package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.auth.PublishRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The WHIP endpoint on the origin's HTTP server (RFC 9725): {@code POST /whip/{app}} with an SDP
 * offer and the stream key as bearer token creates a session ({@code 201}, its URL in
 * {@code Location}, our answer in the body); {@code PATCH} and {@code DELETE} of that URL
 * trickle and end it. CORS is open, so that a web page can publish from a browser.
 */
public final class WhipRoutes {

    private static final String SDP = "application/sdp";
    private static final String SDP_FRAGMENT = "application/trickle-ice-sdpfrag";
    private static final String ALLOWED_METHODS = "POST, PATCH, DELETE, OPTIONS";

    private final WhipIngestVerticle whip;

    public WhipRoutes(WhipIngestVerticle whip) {
        this.whip = whip;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(SdpOffer.MAX_BYTES);
        router.route("/whip/*").handler(WhipRoutes::cors);
        router.options("/whip/:app").handler(ctx -> ctx.response().putHeader("Accept-Post", SDP).setStatusCode(204).end());
        router.options("/whip/:app/:session").handler(ctx -> ctx.response().setStatusCode(204).end());
        router.post("/whip/:app").handler(body).handler(this::publish);
        router.patch("/whip/:app/:session").handler(body).handler(this::patch);
        router.delete("/whip/:app/:session").handler(this::delete);
    }

    private static void cors(RoutingContext ctx) {
        ctx.response()
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Access-Control-Allow-Methods", ALLOWED_METHODS)
                .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
                .putHeader("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Post");
        ctx.next();
    }

    private void publish(RoutingContext ctx) {
        if (!hasContentType(ctx, SDP)) {
            refuse(ctx, 415, "the offer must be application/sdp");
            return;
        }
        Optional<String> key = bearerToken(ctx);
        if (key.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(ctx, 401, "the stream key goes in Authorization: Bearer");
            return;
        }
        String app = ctx.pathParam("app");
        // The backup encoder's WHIP URL ends in ?backup, as an RTMP backup's key does.
        String backupValue = ctx.request().getParam(PublishRequest.BACKUP_PARAMETER);
        boolean backup = backupValue != null && PublishRequest.isBackup(backupValue);
        whip.publish(app, key.get(), backup, ctx.body().asString(), ctx.request().remoteAddress().hostAddress(),
                ctx.request().localAddress().hostAddress()).onComplete(answered -> {
            if (answered.failed()) {
                fail(ctx, answered.cause());
                return;
            }
            WhipIngestVerticle.Answer answer = answered.result();
            ctx.response().setStatusCode(201)
                    .putHeader(HttpHeaders.CONTENT_TYPE, SDP)
                    .putHeader(HttpHeaders.LOCATION, "/whip/" + app + "/" + answer.sessionId())
                    .putHeader(HttpHeaders.ETAG, answer.etag())
                    .end(answer.sdp());
        });
    }

    private void patch(RoutingContext ctx) {
        if (!hasContentType(ctx, SDP_FRAGMENT)) {
            refuse(ctx, 415, "a PATCH carries application/trickle-ice-sdpfrag");
            return;
        }
        whip.patch(ctx.pathParam("session"), Optional.ofNullable(ctx.request().getHeader(HttpHeaders.IF_MATCH)),
                ctx.body().asString()).onComplete(status -> {
            if (status.failed()) {
                fail(ctx, status.cause());
            } else if (status.result() == 422) {
                refuse(ctx, 422, "ICE restarts are not supported: publish again");
            } else if (status.result() == 412) {
                refuse(ctx, 412, "ETag does not match");
            } else if (status.result() >= 400) {
                refuse(ctx, status.result(), status.result() == 404 ? "no such session" : "the session's origin did not answer");
            } else {
                ctx.response().setStatusCode(status.result()).end();
            }
        });
    }

    private void delete(RoutingContext ctx) {
        whip.delete(ctx.pathParam("session")).onComplete(status -> {
            if (status.failed()) {
                fail(ctx, status.cause());
            } else if (status.result() == 200) {
                ctx.response().setStatusCode(200).end();
            } else {
                refuse(ctx, status.result(), "no such session");
            }
        });
    }

    private static boolean hasContentType(RoutingContext ctx, String expected) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.split(";")[0].trim().equalsIgnoreCase(expected);
    }

    private static Optional<String> bearerToken(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }

    private static void fail(RoutingContext ctx, Throwable error) {
        if (error instanceof WhipRefusal refusal) {
            if (refusal.status() == 503) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            }
            refuse(ctx, refusal.status(), refusal.getMessage());
        } else {
            ctx.fail(error);
        }
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        HttpServerResponse response = ctx.response();
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(message + "\n");
    }

}
