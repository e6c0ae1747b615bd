package dev.vcdn.origin.auth;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.ChannelFeatures;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth server an origin runs by default: the publish contract of DESIGN.md
 * ({@code POST /auth/publish}, {@code POST /auth/unpublish}) and the admin API
 * ({@code /api/channels}, playback tokens, keys and revocations), both behind the admin token,
 * over the {@link ChannelStore}; and the access document origins follow ({@code /auth/access}).
 */
public final class BuiltInAuthService {

    private static final Logger log = LoggerFactory.getLogger(BuiltInAuthService.class);
    /** The only application streamers publish to: {@code rtmp://host/live/KEY}. */
    public static final String APP = "live";
    public static final String AUTH_PATH = "/auth";
    private static final long MAX_BODY_BYTES = 4096;

    private final Vertx vertx;
    private final ChannelStore store;
    private final String adminToken;
    private final FailedAttempts failedAttempts;
    private final AccessDocument access;
    private final PlaybackAdmin playback;

    public BuiltInAuthService(Vertx vertx, ChannelStore store, String adminToken, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.adminToken = adminToken;
        this.failedAttempts = new FailedAttempts(clock, 5, Duration.ofMinutes(1));
        AccessStore accessStore = new AccessStore(store);
        this.access = new AccessDocument(vertx, accessStore);
        this.playback = new PlaybackAdmin(vertx, store, accessStore, access, clock);
    }

    public void mount(Router router) {
        BearerToken admin = new BearerToken(adminToken);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

        router.post(AUTH_PATH + "/publish").handler(body).handler(admin).handler(this::publish);
        router.post(AUTH_PATH + "/unpublish").handler(body).handler(admin).handler(this::unpublish);

        router.post("/api/channels").handler(body).handler(admin).handler(this::createChannel);
        router.get("/api/channels").handler(admin).handler(this::listChannels);
        router.patch("/api/channels/:name").handler(body).handler(admin).handler(this::changeChannel);
        router.delete("/api/channels/:name").handler(admin).handler(this::deleteChannel);
        router.post("/api/channels/:name/key").handler(admin).handler(this::rotateKey);
        playback.mount(router, body, admin, AUTH_PATH);
    }

    private void publish(RoutingContext ctx) {
        JsonObject request = jsonBody(ctx);
        String key = request.getString("streamKey", "");
        String remote = request.getString("remoteAddress", "");
        if (!APP.equals(request.getString("app"))) {
            json(ctx, 404, new JsonObject().put("error", "unknown application; publish to /" + APP + "/{streamKey}"));
            return;
        }
        if (failedAttempts.isBlocked(remote)) {
            json(ctx, 429, new JsonObject().put("error", "too many wrong stream keys; try again later"));
            return;
        }
        if (key.isEmpty() || key.length() > PublishRequest.MAX_KEY_LENGTH) {
            refuseKey(ctx, remote);
            return;
        }
        blocking(() -> store.findByKey(key)).onSuccess(found -> {
            if (found.isEmpty()) {
                refuseKey(ctx, remote);
                return;
            }
            PublishGrant grant = new PublishGrant(found.get().name(), StreamId.random(), found.get().features());
            json(ctx, 200, grant.toJson());
        }).onFailure(ctx::fail);
    }

    private void refuseKey(RoutingContext ctx, String remote) {
        failedAttempts.recordFailure(remote);
        json(ctx, 403, new JsonObject().put("error", "unknown stream key"));
    }

    private void unpublish(RoutingContext ctx) {
        JsonObject request = jsonBody(ctx);
        log.debug("unpublish of {} stream {}", request.getString("channel"), request.getString("streamId"));
        ctx.response().setStatusCode(204).end();
    }

    private void createChannel(RoutingContext ctx) {
        JsonObject request = jsonBody(ctx);
        ChannelName name = channelName(request.getValue("name"));
        ChannelFeatures features = features(request);
        boolean privateChannel = privateFlag(request, false);
        blocking(() -> store.create(name, features, privateChannel)).onSuccess(issued -> {
            if (issued.isEmpty()) {
                json(ctx, 409, new JsonObject().put("error", "channel " + name + " exists"));
                return;
            }
            // Even a public one: it ends the privacy a deleted private channel of that name left.
            access.changed();
            log.info("channel {} created{}", name, privateChannel ? " (private)" : "");
            json(ctx, 201, new JsonObject().put("channel", name.value()).put("streamKey", issued.get().streamKey())
                    .put("features", features.toJson()).put("private", privateChannel));
        }).onFailure(ctx::fail);
    }

    /** {@code PATCH /api/channels/{name}} with {@code {"private": true|false}}: takes effect at every edge within seconds, live or not. */
    /** {@code PATCH /api/channels/{name}} with {@code private} and/or {@code recording}: the one and the other flag. */
    private void changeChannel(RoutingContext ctx) {
        ChannelName name = channelName(ctx.pathParam("name"));
        JsonObject request = jsonBody(ctx);
        Object privateValue = request.getValue("private");
        Object recordingValue = request.getValue("recording");
        boolean onlyKnownKeys = request.fieldNames().stream().allMatch(key -> key.equals("private") || key.equals("recording"));
        if (request.isEmpty() || !onlyKnownKeys || privateValue != null && !(privateValue instanceof Boolean)
                || recordingValue != null && !(recordingValue instanceof Boolean)) {
            throw new HttpException(400, "give {\"private\": true|false} and/or {\"recording\": true|false}");
        }
        blocking(() -> {
            boolean found = true;
            if (privateValue instanceof Boolean privateChannel) {
                found = store.setPrivate(name, privateChannel);
            }
            if (found && recordingValue instanceof Boolean recording) {
                found = store.setRecording(name, recording);
            }
            return found;
        }).onSuccess(changed -> {
            if (!changed) {
                ctx.fail(404);
                return;
            }
            JsonObject answer = new JsonObject().put("channel", name.value());
            if (privateValue instanceof Boolean privateChannel) {
                access.changed();
                log.info("channel {} is {} now", name, privateChannel ? "private" : "public");
                answer.put("private", privateChannel);
            }
            if (recordingValue instanceof Boolean recording) {
                log.info("channel {} is {} from its next publish", name, recording ? "recorded" : "not recorded");
                answer.put("recording", recording);
            }
            json(ctx, 200, answer);
        }).onFailure(ctx::fail);
    }

    private static boolean privateFlag(JsonObject request, boolean fallback) {
        Object value = request.getValue("private");
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw new HttpException(400, "private must be true or false");
        }
        return flag;
    }

    private void listChannels(RoutingContext ctx) {
        blocking(store::list).onSuccess(channels -> {
            JsonArray list = new JsonArray();
            channels.forEach(c -> list.add(new JsonObject()
                    .put("channel", c.name().value())
                    .put("features", c.features().toJson())
                    .put("private", c.privateChannel())
                    .put("createdAt", c.createdAt().toString())
                    .put("keyRotatedAt", c.keyRotatedAt().toString())));
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(list.encode());
        }).onFailure(ctx::fail);
    }

    private void deleteChannel(RoutingContext ctx) {
        ChannelName name = channelName(ctx.pathParam("name"));
        blocking(() -> store.delete(name)).onSuccess(deleted -> {
            if (deleted) {
                access.changed();
                log.info("channel {} deleted", name);
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(404);
            }
        }).onFailure(ctx::fail);
    }

    private void rotateKey(RoutingContext ctx) {
        ChannelName name = channelName(ctx.pathParam("name"));
        blocking(() -> store.rotateKey(name)).onSuccess(issued -> {
            if (issued.isEmpty()) {
                ctx.fail(404);
                return;
            }
            log.info("stream key of channel {} rotated", name);
            json(ctx, 200, new JsonObject().put("channel", name.value()).put("streamKey", issued.get().streamKey()));
        }).onFailure(ctx::fail);
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    static ChannelName channelName(Object value) {
        if (!(value instanceof String s) || !ChannelName.isValid(s)) {
            throw new HttpException(400, "channel name must match [a-z0-9_-]{1,32}");
        }
        return ChannelName.of(s);
    }

    /** The features a create request asks for: codecs, profile, recording, and optionally the ladder's rungs. */
    private static ChannelFeatures features(JsonObject request) {
        try {
            ChannelFeatures features = ChannelFeatures.of(
                    request.getBoolean("av1", false), request.getBoolean("vp9", false),
                    request.getBoolean("lowLatency", false), request.getBoolean("recording", false));
            JsonArray renditions = request.getJsonArray("renditions");
            if (renditions == null) {
                return features;
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < Math.min(renditions.size(), ChannelFeatures.DEFAULT_RENDITIONS.size() + 1); i++) {
                names.add(renditions.getString(i));
            }
            return features.withRenditions(names);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new HttpException(400, "bad channel features: " + e.getMessage());
        }
    }

    static JsonObject jsonBody(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new HttpException(400, "a JSON object body is required");
            }
            return body;
        } catch (DecodeException | ClassCastException e) {
            throw new HttpException(400, "the body is not a JSON object");
        }
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
