package dev.vcdn.origin.recording;

import static dev.vcdn.shared.http.PlaybackHeaders.MEDIA_TYPE;
import static dev.vcdn.shared.http.PlaybackHeaders.PLAYLIST_TYPE;

import dev.vcdn.origin.auth.BearerToken;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.access.PlaybackGate;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings at the origin: {@code GET /api/recordings?channel=}, {@code DELETE
 * /api/recordings/{id}} (admin) and the playback URLs under {@code /recordings/}, which edges
 * cache as they do live ones. A private channel's recordings are as private as its live stream.
 */
public final class RecordingRoutes {

    private static final Logger log = LoggerFactory.getLogger(RecordingRoutes.class);
    /** A live recording's playlists change with every segment; an ended one's only when it is deleted. */
    static final String LIVE_PLAYLIST = "public, max-age=1";
    static final String ENDED_PLAYLIST = "public, max-age=60";
    static final String THUMBNAIL = "public, max-age=60";
    /** A recording's segments and init segments never change while they exist: browsers and caches keep them a day. */
    static final String RECORDED_OBJECT = "public, max-age=86400, immutable";
    /** Recordings listed without a channel: the directory's "past broadcasts". */
    static final int RECENT = 100;
    static final Duration RECENT_KEPT = Duration.ofSeconds(5);
    /** Most recordings of one channel listed, the newest: retention should keep far fewer. */
    static final int MAX_LISTED = 1000;

    private final RecordingLibrary library;
    private final PlaybackGate gate;
    private final PlaybackAccess access;
    private final BearerToken admin;
    private final Function<RoutingContext, Optional<String>> grantedToken;
    /** The last list of every public channel's newest recordings, being made or made at {@link #recentMadeAt}. */
    private Future<String> recent;
    private long recentMadeAt;

    /**
     * @param grantedToken the token a request under {@code /t/{token}/} was let in with, when it was
     */
    public RecordingRoutes(RecordingLibrary library, PlaybackGate gate, PlaybackAccess access, BearerToken admin,
                           Function<RoutingContext, Optional<String>> grantedToken) {
        this.library = library;
        this.gate = gate;
        this.access = access;
        this.admin = admin;
        this.grantedToken = grantedToken;
    }

    public void mount(Router router) {
        router.get("/api/recordings").handler(this::list);
        router.delete("/api/recordings/:id").handler(admin).handler(this::delete);
        router.get(RecordingPath.PREFIX + "*").handler(this::playback);
    }

    private void list(RoutingContext ctx) {
        String channel = ctx.request().getParam("channel");
        if (channel == null && ctx.request().params().isEmpty()) {
            recent(ctx);
            return;
        }
        if (channel == null || !ChannelName.isValid(channel) || ctx.request().params().size() != 1) {
            ctx.response().setStatusCode(400).end("give ?channel={name}, or nothing for the newest of every public channel\n");
            return;
        }
        ChannelName name = ChannelName.of(channel);
        if (!admin.presentIn(ctx) && !gate.admits(ctx.request(), name, bearer(ctx))) {
            return;
        }
        library.list(name).onSuccess(recordings -> {
            JsonArray list = new JsonArray();
            recordings.stream().limit(MAX_LISTED).forEach(recording -> list.add(recording.toJson()));
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, access.isPrivate(name) ? "private, no-store" : "public, max-age=2")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .end(list.encode());
        }).onFailure(error -> failed(ctx, error));
    }

    /** The newest recordings of the public channels, for the directory: private ones are left out, as in /api/streams. */
    private void recent(RoutingContext ctx) {
        if (!access.ready()) {
            ctx.fail(503);
            return;
        }
        recentAnswer().onSuccess(encoded -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + RECENT_KEPT.toSeconds())
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .end(encoded)).onFailure(error -> failed(ctx, error));
    }

    /**
     * The newest recordings of every public channel, made once for everyone asking within
     * {@link #RECENT_KEPT} (a crowd on the directory, or someone asking in a loop, costs the store
     * one listing of every channel per period, not one per request).
     */
    private Future<String> recentAnswer() {
        long now = System.nanoTime();
        if (recent == null || recent.failed() || recent.succeeded() && now - recentMadeAt > RECENT_KEPT.toNanos()) {
            recentMadeAt = now;
            recent = library.recent(channel -> !access.isPrivate(channel), RECENT).map(recordings -> {
                JsonArray list = new JsonArray();
                recordings.forEach(recording -> list.add(recording.toJson()));
                return list.encode();
            });
        }
        return recent;
    }

    private static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private void delete(RoutingContext ctx) {
        Optional<RecordingId> id = RecordingId.parse(ctx.pathParam("id"));
        if (id.isEmpty()) {
            ctx.fail(404);
            return;
        }
        library.delete(id.get()).onSuccess(deleted -> {
            if (deleted) {
                log.info("recording {} deleted", id.get());
            }
            ctx.response().setStatusCode(deleted ? 204 : 404).end();
        }).onFailure(error -> {
            if (error instanceof IllegalStateException) {
                ctx.response().setStatusCode(409).end("the recording is live; delete it once its broadcast has ended\n");
            } else {
                failed(ctx, error);
            }
        });
    }

    private void playback(RoutingContext ctx) {
        Optional<RecordingPath> parsed = RecordingPath.parse(ctx.request().uri());
        if (parsed.isEmpty()) {
            ctx.fail(400);
            return;
        }
        RecordingPath path = parsed.get();
        if (grantedToken.apply(ctx).isEmpty() && !gate.admits(ctx.request(), path.channel(), null)) {
            return;
        }
        switch (path.object()) {
            case MULTIVARIANT_PLAYLIST -> playlist(ctx, library.master(path.recording()));
            case MEDIA_PLAYLIST -> playlist(ctx, library.media(path.recording(), path.rendition().orElseThrow()));
            default -> library.object(path).onSuccess(found -> found.ifPresentOrElse(
                    bytes -> respond(ctx, path.object() == RecordingPath.Kind.THUMBNAIL ? "image/jpeg" : MEDIA_TYPE,
                            path.object() == RecordingPath.Kind.THUMBNAIL ? THUMBNAIL : RECORDED_OBJECT, bytes),
                    () -> ctx.fail(404))).onFailure(error -> failed(ctx, error));
        }
    }

    private void playlist(RoutingContext ctx, Future<Optional<RecordingLibrary.Playlist>> made) {
        made.onSuccess(found -> found.ifPresentOrElse(
                playlist -> respond(ctx, PLAYLIST_TYPE, playlist.live() ? LIVE_PLAYLIST : ENDED_PLAYLIST,
                        Buffer.buffer(playlist.text())),
                () -> ctx.fail(404))).onFailure(error -> failed(ctx, error));
    }

    private static void respond(RoutingContext ctx, String type, String cacheControl, Buffer body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type)
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .end(body);
    }

    /** The store failed: 503, so that an edge does not keep the answer and a player asks again. */
    private static void failed(RoutingContext ctx, Throwable error) {
        log.warn("recording request failed: {} {}", ctx.request().uri(), error.getMessage());
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, "1")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end("recording store unavailable\n");
        }
    }
}
