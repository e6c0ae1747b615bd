package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.upstream.Upstream;
import dev.vcdn.shared.access.PlaybackGate;
import dev.vcdn.shared.access.TokenRefused;
import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.http.HttpServers;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.http.TargetGuard;
import dev.vcdn.shared.http.TokenPrefix;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.tls.CertificateReloader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One event loop's share of the viewer-facing HTTP server (instances share the port). A cached
 * immutable object is answered right here, from the thread-safe cache; everything that needs the
 * live state (playlists, held requests, misses) is handed to the {@link PlaybackHandler} on the
 * edge's core event loop, which answers on the same connection. A new viewer's playlist request is
 * refused while the node is full, and a viewer that does not take its answers is cut off.
 */
public final class ViewerServer extends VerticleBase {

    /** Class-path folder of the player module's pages. */
    public static final String PLAYER_ROOT = "vcdn-player";
    private static final int SHARED_RANDOM_PORT = -1;
    static final String WATCH_PAGE = "/watch.html";
    /**
     * When a refused viewer may try again: by then viewers that left have stopped counting (they
     * count 10 s after their last reload), and geo-config has read this node as full.
     */
    static final int RETRY_AFTER_SECONDS = 10;
    private static final long SWEEP_MILLIS = 1000;
    private static final String RECORDING_LIST = "/api/recordings";

    private final HttpServerConfig http;
    private final ProcessContext process;
    private final ResponseCache cache;
    private final ResponseCache recordings;
    private final EdgeMetrics metrics;
    private final PlaybackHandler playback;
    private final Context core;
    private final ViewerCount viewers;
    private final Duration writeDeadline;
    private final Optional<CertificateReloader> certificates;
    private final PlayerFiles player;
    private final PlaybackGate gate;
    private ViewerConnections connections;
    private HttpServer server;

    public ViewerServer(HttpServerConfig http, ProcessContext process, ResponseCache cache, ResponseCache recordings,
                        EdgeMetrics metrics,
                        PlaybackHandler playback, Context core, ViewerCount viewers, Duration writeDeadline,
                        Optional<CertificateReloader> certificates, PlayerFiles player, PlaybackGate gate) {
        this.http = http;
        this.process = process;
        this.cache = cache;
        this.recordings = recordings;
        this.metrics = metrics;
        this.playback = playback;
        this.core = core;
        this.viewers = viewers;
        this.writeDeadline = writeDeadline;
        this.certificates = certificates;
        this.player = player;
        this.gate = gate;
    }

    @Override
    public Future<?> start() {
        Router router = OperationsRoutes.router(vertx, process);
        router.route().order(-2).handler(ctx -> {
            ctx.addHeadersEndHandler(ignored -> metrics.answered(ctx.response().getStatusCode()));
            ctx.next();
        });
        router.route().order(-1).handler(new TargetGuard());
        router.get("/live/*").handler(ctx -> playback(ctx, ctx.request().uri(), null));
        router.get(RecordingPath.PREFIX + "*").handler(ctx -> recording(ctx, ctx.request().uri(), null));
        router.get(TokenPrefix.PREFIX + "*").handler(this::underToken);
        router.get("/api/streams").handler(ctx -> {
            ViewerRequest request = ViewerRequest.on(ctx, connections.client(ctx.request().connection()), false, null);
            core.runOnContext(ignored -> playback.streams(request));
        });
        router.get(RECORDING_LIST).handler(this::recordingList);
        router.get("/watch/:channel").handler(this::watchPage);
        router.get("/*").handler(player);
        // Servers on one port share it; port 0 would bind a new random port per instance, a
        // negative port is Vert.x's way of sharing one random port among them.
        HttpServerOptions options = HttpServers.options(http);
        if (options.getPort() == 0) {
            options.setPort(SHARED_RANDOM_PORT);
        }
        connections = new ViewerConnections(writeDeadline, System::nanoTime, metrics::cutOff);
        vertx.setPeriodic(SWEEP_MILLIS, id -> connections.sweep());
        return vertx.createHttpServer(options).requestHandler(router).connectionHandler(connections::opened).listen()
                .onSuccess(listening -> {
                    server = listening;
                    certificates.ifPresent(reloader -> reloader.serve(listening, options.getSslOptions()));
                });
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

    /**
     * {@code /t/{token}/...}: a private channel's playback URL or watch page under its viewer's
     * token. The playback URL is served as the plain one it prefixes, from the same cache.
     */
    private void underToken(RoutingContext ctx) {
        Optional<TokenPrefix> prefix = TokenPrefix.split(ctx.request().uri());
        if (prefix.isEmpty()) {
            if (TokenPrefix.tooLong(ctx.request().uri())) {
                TokenRefused.forbidden("playback token too long").answer(ctx.response());
            } else {
                ctx.fail(404);
            }
            return;
        }
        String rest = prefix.get().rest();
        if (rest.startsWith("/live/")) {
            playback(ctx, rest, prefix.get().token());
        } else if (rest.startsWith(RecordingPath.PREFIX)) {
            recording(ctx, rest, prefix.get().token());
        } else if (rest.startsWith("/watch/")) {
            String channel = rest.substring("/watch/".length());
            int end = channel.indexOf('?');
            if (!ChannelName.isValid(end < 0 ? channel : channel.substring(0, end))) {
                ctx.fail(400);
                return;
            }
            ctx.reroute(WATCH_PAGE);
        } else {
            ctx.fail(404);
        }
    }

    private void playback(RoutingContext ctx, String uri, String token) {
        Optional<PlaybackPath> parsed = PlaybackPath.parse(uri);
        if (parsed.isEmpty()) {
            ctx.fail(400);
            return;
        }
        PlaybackPath path = parsed.get();
        // A media playlist is answered from pushed state on the core (blocking reloads), never from the cache here.
        serve(ctx, path.channel(), token, path.isPlaylist(), path.object() == PlaybackPath.Kind.MEDIA_PLAYLIST ? null : cache,
                path.canonical(), request -> playback.handle(request, path));
    }

    /**
     * What every playback request goes through, live or recorded: the gate (a private channel's
     * token), the viewer limit (a playlist opens a viewer's session), an answer from {@code cached}
     * on this loop when it has one (not for a region peer filling), else {@code onCore} on the core
     * loop, which holds the live state.
     */
    private void serve(RoutingContext ctx, ChannelName channel, String token, boolean playlist, ResponseCache cached,
                       String canonical, Consumer<ViewerRequest> onCore) {
        if (!gate.admits(ctx.request(), channel, token)) {
            return;
        }
        HttpConnection connection = ctx.request().connection();
        String client = connections.client(connection);
        if (playlist && !admitted(connection, client)) {
            refuse(ctx);
            return;
        }
        boolean fromPeer = ctx.request().getHeader(Upstream.FILL_HEADER) != null;
        if (cached != null && !fromPeer) {
            Optional<CachedResponse> answer = cached.get(canonical);
            if (answer.isPresent()) {
                metrics.hit();
                if (playlist && answer.get().status() == 200) {
                    viewers.seen(client);
                }
                Responses.send(ctx, answer.get(), metrics);
                return;
            }
        }
        ViewerRequest request = ViewerRequest.on(ctx, client, fromPeer, gate.grantedToken(channel, token));
        core.runOnContext(ignored -> onCore.accept(request));
    }

    /**
     * {@code /api/recordings}, of every public channel or of one ({@code ?channel=}): a private
     * channel's only to a viewer whose token ({@code Authorization: Bearer}) lets it in.
     */
    private void recordingList(RoutingContext ctx) {
        String query = ctx.request().query();
        String target;
        if (query == null || query.isEmpty()) {
            target = RECORDING_LIST;
        } else {
            String channel = query.startsWith("channel=") ? query.substring("channel=".length()) : "";
            if (!ChannelName.isValid(channel)) {
                ctx.fail(400);
                return;
            }
            String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? authorization.substring(7).trim() : null;
            if (!gate.admits(ctx.request(), ChannelName.of(channel), token)) {
                return;
            }
            target = RECORDING_LIST + "?channel=" + channel;
        }
        ViewerRequest request = ViewerRequest.on(ctx, connections.client(ctx.request().connection()), false, null);
        core.runOnContext(ignored -> playback.recordingList(request, target));
    }

    /** A recording's playlist or object: answered from the recordings' cache here, else by the core. */
    private void recording(RoutingContext ctx, String uri, String token) {
        Optional<RecordingPath> parsed = RecordingPath.parse(uri);
        if (parsed.isEmpty()) {
            ctx.fail(400);
            return;
        }
        RecordingPath path = parsed.get();
        serve(ctx, path.channel(), token, path.isPlaylist(), recordings, path.canonical(),
                request -> playback.recording(request, path));
    }

    /**
     * Whether a playlist request is let in: always on a connection let in before (its viewer is
     * watching, whatever its address does), else while the node has room or its client watches. A
     * region peer filling its cache is let in as a client too: a full owner sends it to the origin.
     */
    private boolean admitted(HttpConnection connection, String client) {
        if (connections.admitted(connection)) {
            return true;
        }
        if (!viewers.admits(client)) {
            return false;
        }
        connections.admit(connection);
        return true;
    }

    /**
     * This node is full: the new viewer is told to come back later, on a new connection (which a
     * client resolving the edge's name again may open to another edge). HTTP/2 has no Connection
     * header (a response with one is malformed there): its connection is shut down with a GOAWAY.
     */
    private static void refuse(RoutingContext ctx) {
        boolean http2 = ctx.request().version() == HttpVersion.HTTP_2;
        HttpServerResponse response = ctx.response().setStatusCode(503)
                .putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (!http2) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        response.end("this edge is full; try another or retry later\n")
                .onComplete(sent -> {
                    if (http2) {
                        ctx.request().connection().shutdown();
                    }
                });
    }
}
