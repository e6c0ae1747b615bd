package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.upstream.Upstream;
import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.http.HttpServers;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.http.TargetGuard;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;

/**
 * One event loop's share of the viewer-facing HTTP server (instances share the port). A cached
 * immutable object is answered right here, from the thread-safe cache; everything that needs the
 * live state (playlists, held requests, misses) is handed to the {@link PlaybackHandler} on the
 * edge's core event loop, which answers on the same connection.
 */
public final class ViewerServer extends VerticleBase {

    /** Class-path folder of the player module's pages. */
    public static final String PLAYER_ROOT = "vcdn-player";
    private static final int SHARED_RANDOM_PORT = -1;
    static final String WATCH_PAGE = "/watch.html";

    private final HttpServerConfig http;
    private final ProcessContext process;
    private final ResponseCache cache;
    private final EdgeMetrics metrics;
    private final PlaybackHandler playback;
    private final Context core;
    private HttpServer server;

    public ViewerServer(HttpServerConfig http, ProcessContext process, ResponseCache cache, EdgeMetrics metrics,
                        PlaybackHandler playback, Context core) {
        this.http = http;
        this.process = process;
        this.cache = cache;
        this.metrics = metrics;
        this.playback = playback;
        this.core = core;
    }

    @Override
    public Future<?> start() {
        Router router = OperationsRoutes.router(vertx, process);
        router.route().order(-1).handler(new TargetGuard());
        router.get("/live/*").handler(this::playback);
        router.get("/api/streams").handler(ctx -> core.runOnContext(ignored -> playback.streams(ctx)));
        router.get("/watch/:channel").handler(this::watchPage);
        router.get("/*").handler(StaticHandler.create(PLAYER_ROOT).setCachingEnabled(true).setMaxAgeSeconds(300));
        // Servers on one port share it; port 0 would bind a new random port per instance, a
        // negative port is Vert.x's way of sharing one random port among them.
        HttpServerOptions options = HttpServers.options(http);
        if (options.getPort() == 0) {
            options.setPort(SHARED_RANDOM_PORT);
        }
        return vertx.createHttpServer(options).requestHandler(router).listen()
                .onSuccess(listening -> server = listening);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Every channel's watch page is one page; it reads the channel from its own path. */
    private void watchPage(RoutingContext ctx) {
        if (!ChannelName.isValid(ctx.pathParam("channel"))) {
            ctx.fail(400);
            return;
        }
        ctx.reroute(WATCH_PAGE);
    }

    private void playback(RoutingContext ctx) {
        Optional<PlaybackPath> parsed = PlaybackPath.parse(ctx.request().uri());
        if (parsed.isEmpty()) {
            ctx.fail(400);
            return;
        }
        PlaybackPath path = parsed.get();
        if (path.object() != PlaybackPath.Kind.MEDIA_PLAYLIST && ctx.request().getHeader(Upstream.FILL_HEADER) == null) {
            Optional<CachedResponse> cached = cache.get(path.canonical());
            if (cached.isPresent()) {
                metrics.hit();
                Responses.send(ctx, cached.get(), metrics);
                return;
            }
        }
        core.runOnContext(ignored -> playback.handle(ctx, path));
    }
}
