package dev.vcdn.origin.packager;

import dev.vcdn.origin.packager.ChannelPackage.Rendition;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The playback URLs of DESIGN.md, served from the {@link Packages} this origin holds: the
 * multivariant and media playlists (blocking reload, delta updates), init segments, segments
 * and parts (a part not yet written is waited for). Waiting costs a promise, never a thread.
 */
public final class PlaybackRoutes {

    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    static final String MEDIA_TYPE = "video/mp4";
    static final String IMMUTABLE = "public, max-age=300, immutable";
    private static final Set<String> PLAYLIST_QUERY = Set.of("_HLS_msn", "_HLS_part", "_HLS_skip");
    /** How far ahead of the live edge a part may be asked for and waited on. */
    private static final int PARTS_AHEAD = 4;

    private final Vertx vertx;
    private final Packages packages;
    private final HolderProxy holders;

    /**
     * @param registry the origin cluster's live streams, to find the holder of a channel this node does not hold
     * @param self     this node's address as the registry records it
     */
    public PlaybackRoutes(Vertx vertx, Packages packages, StreamRegistry registry, Supplier<String> self) {
        this.vertx = vertx;
        this.packages = packages;
        this.holders = new HolderProxy(vertx.createHttpClient(), registry, self);
        packages.events().relayFrom(new HolderEvents(vertx.createWebSocketClient(), registry, self, packages.events()::deliver));
    }

    public void mount(Router router) {
        String channel = "([a-z0-9_-]{1,32})";
        // A channel this node does not hold is relayed from the origin that does.
        router.getWithRegex("/live/" + channel + "/.*").handler(ctx -> {
            ChannelName name = ChannelName.of(ctx.pathParam("param0"));
            if (packages.get(name).isPresent()) {
                ctx.next();
            } else {
                holders.relay(ctx, name);
            }
        });
        router.getWithRegex("/live/" + channel + "/master\\.m3u8").handler(this::master);
        router.getWithRegex("/live/" + channel + "/" + channel + "/index\\.m3u8").handler(this::media);
        router.getWithRegex("/live/" + channel + "/" + channel + "/init\\.mp4").handler(this::init);
        router.getWithRegex("/live/" + channel + "/" + channel + "/([0-9]{1,15})\\.m4s").handler(this::segment);
        router.getWithRegex("/live/" + channel + "/" + channel + "/([0-9]{1,15})\\.([0-9]{1,5})\\.m4s").handler(this::part);
        router.get("/events").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(packages.events()::attach)
                .onFailure(error -> ctx.fail(400)));
    }

    private static long blockingTimeoutMillis(PackagingSettings settings) {
        return 3L * settings.targetDurationSeconds() * 1000;
    }

    private void master(RoutingContext ctx) {
        Optional<ChannelPackage> channelPackage = packages.get(ChannelName.of(ctx.pathParam("param0")));
        Optional<String> playlist = channelPackage.flatMap(ChannelPackage::multivariant).map(PlaylistWriter::write);
        if (playlist.isEmpty()) {
            ctx.fail(404);
            return;
        }
        respond(ctx, PLAYLIST_TYPE, "public, max-age=1", Buffer.buffer(playlist.get()));
    }

    private Optional<Rendition> rendition(RoutingContext ctx) {
        return channel(ctx).flatMap(p -> p.rendition(RenditionId.of(ctx.pathParam("param1"))));
    }

    private Optional<ChannelPackage> channel(RoutingContext ctx) {
        return packages.get(ChannelName.of(ctx.pathParam("param0")));
    }

    private void media(RoutingContext ctx) {
        if (!ctx.queryParams().names().stream().allMatch(PLAYLIST_QUERY::contains)) {
            ctx.fail(400);
            return;
        }
        Optional<ChannelPackage> channelPackage = packages.get(ChannelName.of(ctx.pathParam("param0")));
        Optional<Rendition> rendition = rendition(ctx);
        if (channelPackage.isEmpty() || rendition.isEmpty()) {
            ctx.fail(404);
            return;
        }
        RenditionWindow window = rendition.get().window();
        String msnParam = ctx.queryParams().get("_HLS_msn");
        String partParam = ctx.queryParams().get("_HLS_part");
        String skip = ctx.queryParams().get("_HLS_skip");
        if ((partParam != null && msnParam == null) || !digits(msnParam) || !digits(partParam)
                || (skip != null && !skip.equals("YES") && !skip.equals("v2"))) {
            ctx.fail(400);
            return;
        }
        Runnable send = () -> {
            MediaPlaylist playlist = window.playlist(channelPackage.get().reportsFor(rendition.get().info().id()));
            if (skip != null) {
                playlist = playlist.skipOlderThan(6.0 * channelPackage.get().settings().targetDurationSeconds());
            }
            respond(ctx, PLAYLIST_TYPE, msnParam == null ? "public, max-age=1" : "public, max-age=4",
                    Buffer.buffer(PlaylistWriter.write(playlist)));
        };
        if (msnParam == null) {
            send.run();
            return;
        }
        long msn = Long.parseLong(msnParam);
        long lastMsn = window.lastPart().map(edge -> edge[0]).orElse(-1L);
        if (msn > lastMsn + 2) {
            ctx.fail(400);
            return;
        }
        int part = partParam == null ? RenditionWindow.WHOLE_SEGMENT : Integer.parseInt(partParam);
        hold(ctx, window, channelPackage.get().settings(), msn, part).onSuccess(ready -> send.run());
    }

    /** Waits for the part (or segment) at most three target durations; 503 when it does not come. */
    private Future<Void> hold(RoutingContext ctx, RenditionWindow window, PackagingSettings settings, long msn, int part) {
        Future<Void> waiting = window.await(msn, part);
        if (waiting.isComplete()) {
            if (waiting.failed()) {
                ctx.fail(404);
            }
            return waiting;
        }
        long timer = vertx.setTimer(blockingTimeoutMillis(settings), id -> {
            window.cancel(waiting);
            if (!ctx.response().ended()) {
                ctx.fail(503);
            }
        });
        ctx.response().closeHandler(ignored -> window.cancel(waiting));
        return waiting.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.failed() && !ctx.response().ended()) {
                ctx.fail(404);
            }
        });
    }

    private void init(RoutingContext ctx) {
        rendition(ctx).ifPresentOrElse(
                rendition -> respondImmutable(ctx, etag(ctx, "init"), rendition.window().initSegment()),
                () -> ctx.fail(404));
    }

    /** Names one immutable object: the stream (a new publish gets a new id), the rendition and the object. */
    private Optional<String> etag(RoutingContext ctx, String object) {
        return channel(ctx).map(p -> "\"" + p.streamId() + "-" + ctx.pathParam("param1") + "-" + object + "\"");
    }

    /** Immutable objects carry an ETag and answer a matching If-None-Match with 304. */
    private static void respondImmutable(RoutingContext ctx, Optional<String> etag, Buffer body) {
        if (etag.isPresent()) {
            ctx.response().putHeader(HttpHeaders.ETAG, etag.get());
            if (etag.get().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*").end();
                return;
            }
        }
        respond(ctx, MEDIA_TYPE, IMMUTABLE, body);
    }

    /** The window of the rendition the path names, or a 404 answered and empty. */
    private Optional<RenditionWindow> windowOrNotFound(RoutingContext ctx) {
        Optional<RenditionWindow> window = rendition(ctx).map(Rendition::window);
        if (window.isEmpty()) {
            ctx.fail(404);
        }
        return window;
    }

    private void segment(RoutingContext ctx) {
        windowOrNotFound(ctx).ifPresent(window -> segment(ctx, window, Long.parseLong(ctx.pathParam("param2"))));
    }

    private void segment(RoutingContext ctx, RenditionWindow window, long msn) {
        window.segment(msn).filter(s -> s.complete).ifPresentOrElse(
                segment -> respondImmutable(ctx, etag(ctx, Long.toString(msn)), segment.bytes()),
                () -> ctx.fail(leftTheWindow(window, msn) ? 410 : 404));
    }

    private void part(RoutingContext ctx) {
        windowOrNotFound(ctx).ifPresent(window -> part(ctx, window, Long.parseLong(ctx.pathParam("param2")),
                Integer.parseInt(ctx.pathParam("param3"))));
    }

    private void part(RoutingContext ctx, RenditionWindow window, long msn, int index) {
        Optional<RenditionWindow.StoredPart> stored = storedPart(window, msn, index);
        if (stored.isPresent()) {
            respondImmutable(ctx, etag(ctx, msn + "." + index), stored.get().bytes());
            return;
        }
        if (leftTheWindow(window, msn)) {
            ctx.fail(410);
            return;
        }
        if (!isNearTheLiveEdge(window, msn, index)) {
            ctx.fail(404);
            return;
        }
        // The preload hint names the next part: hold the request until it is written.
        hold(ctx, window, channel(ctx).orElseThrow().settings(), msn, index).onSuccess(ready -> storedPart(window, msn, index).ifPresentOrElse(
                part -> respondImmutable(ctx, etag(ctx, msn + "." + index), part.bytes()),
                () -> ctx.fail(404)));
    }

    private static Optional<RenditionWindow.StoredPart> storedPart(RenditionWindow window, long msn, int index) {
        return window.segment(msn).filter(s -> index < s.parts.size()).map(s -> s.parts.get(index));
    }

    private static boolean leftTheWindow(RenditionWindow window, long msn) {
        return window.firstMsn().map(first -> msn < first).orElse(false);
    }

    private static boolean isNearTheLiveEdge(RenditionWindow window, long msn, int index) {
        if (window.ended()) {
            return false;
        }
        Optional<long[]> edge = window.lastPart();
        if (edge.isEmpty()) {
            return msn == 0 && index < PARTS_AHEAD;
        }
        long lastMsn = edge.get()[0];
        long lastPart = edge.get()[1];
        return (msn == lastMsn && index > lastPart && index <= lastPart + PARTS_AHEAD)
                || (msn == lastMsn + 1 && index < PARTS_AHEAD);
    }

    private static boolean digits(String value) {
        return value == null || value.matches("[0-9]{1,15}");
    }

    private static void respond(RoutingContext ctx, String type, String cacheControl, Buffer body) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, type)
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .end(body);
    }
}
