package dev.vcdn.origin.serve;

import dev.vcdn.origin.cluster.ChannelLocator;
import dev.vcdn.origin.cluster.HolderEvents;
import dev.vcdn.origin.cluster.HolderProxy;
import dev.vcdn.origin.packager.ChannelPackage;
import dev.vcdn.origin.packager.ChannelPackage.Rendition;
import dev.vcdn.origin.packager.Packages;
import dev.vcdn.origin.packager.PackagingSettings;
import dev.vcdn.origin.packager.RenditionWindow;
import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.StreamRegistry;
import static dev.vcdn.shared.http.PlaybackHeaders.IMMUTABLE;
import static dev.vcdn.shared.http.PlaybackHeaders.MEDIA_TYPE;
import static dev.vcdn.shared.http.PlaybackHeaders.PLAYLIST_TYPE;

import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.access.EncodedAccessPolicy;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.access.PlaybackGate;
import dev.vcdn.shared.access.TokenRefused;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.hls.LiveEdge;
import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.http.PlaybackHeaders;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.http.TokenPrefix;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playback URLs of DESIGN.md, served from the {@link Packages} this origin holds: the
 * multivariant and media playlists (blocking reload, delta updates), init segments, segments
 * and parts (a part not yet written is waited for). Waiting costs a promise, never a thread.
 */
public final class PlaybackRoutes {

    private static final Logger log = LoggerFactory.getLogger(PlaybackRoutes.class);

    /** How often channels that edges follow but that are live nowhere yet are looked for. */
    private static final long LOOK_AGAIN_MILLIS = 2_000;
    /** The token a request under {@code /t/} was admitted with, carried through the reroute to the plain URL. */
    private static final String GRANTED_TOKEN = "vcdn.granted-token";
    /** Whether an {@code /events} request presented the edge credential, for the subscriber it becomes. */
    private static final String EDGE_CREDENTIAL = "vcdn.edge-credential";
    /** Largest event relayed from another origin: a part with its bytes. */
    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final Vertx vertx;
    private final Packages packages;
    private final EventHub events;
    private final HolderProxy holders;
    private final PlaybackAccess access;
    private final EdgeCredential edges;
    private final PlaybackGate gate;
    private EncodedAccessPolicy lastEncoded;

    /**
     * @param events   the hub the packages publish to, served at {@code /events}
     * @param registry   the origin cluster's live streams, to find the holder of a channel this node does not hold
     * @param broadcasts the origin cluster's broadcasts: one that waits for its publisher is answered 503, not 404
     * @param self       this node's address as the registry records it
     * @param trust      whom to trust when the other origins are {@code https://}
     * @param access     who may watch private channels
     * @param edges      the edge credential: the event stream needs it when there is one, private channels' fills it or a token
     */
    public PlaybackRoutes(Vertx vertx, Packages packages, EventHub events, StreamRegistry registry, BroadcastLedger broadcasts,
                          Supplier<String> self, ClientTlsConfig trust, PlaybackAccess access, EdgeCredential edges) {
        this.vertx = vertx;
        this.packages = packages;
        this.events = events;
        this.access = access;
        this.edges = edges;
        this.gate = new PlaybackGate(access, edges, status -> { });
        events.snapshotFrom(packages::snapshot);
        ChannelLocator locator = new ChannelLocator(registry, broadcasts);
        this.holders = new HolderProxy(vertx.createHttpClient(trust.apply(new HttpClientOptions())), locator, self, edges);
        // A part of a high rung is a few hundred KB: above the client's default message limit of 256 KB.
        WebSocketClientOptions relayOptions = trust.apply(new WebSocketClientOptions().setMaxMessageSize(MAX_EVENT_BYTES)
                .setMaxFrameSize(MAX_EVENT_BYTES));
        HolderEvents holderEvents = new HolderEvents(vertx.createWebSocketClient(relayOptions), locator, self,
                events::deliver, edges);
        events.relayFrom(holderEvents);
        vertx.setPeriodic(LOOK_AGAIN_MILLIS, id -> holderEvents.lookAgain());
    }

    public void mount(Router router) {
        router.get(TokenPrefix.PREFIX + "*").handler(this::withToken);
        router.get("/live/*").handler(this::playback);
        router.get("/.well-known/jwks.json").handler(this::jwks);
        router.get(AccessPolicy.DOCUMENT_PATH).handler(this::accessDocument);
        router.get("/events").handler(ctx -> {
            boolean credential = edges.presentIn(ctx.request().headers());
            ctx.put(EDGE_CREDENTIAL, credential);
            if (edges.required() && !credential) {
                log.info("events refused: remote={} reason=no edge credential", ctx.request().remoteAddress());
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                ctx.fail(401);
                return;
            }
            ctx.next();
        });
        router.get("/events").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(socket -> events.attach(socket, Boolean.TRUE.equals(ctx.get(EDGE_CREDENTIAL))))
                .onFailure(error -> {
                    log.info("events handshake refused: remote={} reason={}", ctx.request().remoteAddress(), error.toString());
                    ctx.fail(400);
                }));
    }

    /**
     * A playback URL under a token ({@code /t/{token}/live/...}): checked, then served as the
     * plain URL it prefixes (the token goes along only when the request is relayed to the holder).
     */
    private void withToken(RoutingContext ctx) {
        Optional<TokenPrefix> prefix = TokenPrefix.split(ctx.request().uri());
        if (prefix.isEmpty() && TokenPrefix.tooLong(ctx.request().uri())) {
            TokenRefused.forbidden("playback token too long").answer(ctx.response());
            return;
        }
        String rest = prefix.map(TokenPrefix::rest).orElse("");
        Optional<ChannelName> channel;
        if (rest.startsWith("/live/")) {
            channel = PlaybackPath.parse(rest).map(PlaybackPath::channel);
        } else if (rest.startsWith(RecordingPath.PREFIX)) {
            channel = RecordingPath.parse(rest).map(RecordingPath::channel);
        } else {
            ctx.fail(404);
            return;
        }
        if (channel.isEmpty()) {
            ctx.fail(400);
            return;
        }
        if (gate.admits(ctx.request(), channel.get(), prefix.get().token())) {
            ctx.put(GRANTED_TOKEN, prefix.get().token());
            ctx.reroute(rest);
        }
    }

    /** The token a request under {@code /t/{token}/} was let in with, on the plain URL it was rerouted to. */
    public static Optional<String> grantedToken(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(GRANTED_TOKEN));
    }

    /** Who is let in to playback here: the same rules for recordings as for live channels. */
    public PlaybackGate gate() {
        return gate;
    }

    /** The public keys playback tokens are checked with, for anyone (a website's backend, a player, an edge). */
    private void jwks(RoutingContext ctx) {
        if (!access.ready()) {
            ctx.fail(503);
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk-set+json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=60")
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .end(access.policy().orElseThrow().jwks().encode());
    }

    /**
     * The whole access document, which edges follow: with the edge credential when there is one
     * (it names the private channels). Encoded once per policy: edges ask twice a second, and a
     * 304 answers them while it is unchanged.
     */
    private void accessDocument(RoutingContext ctx) {
        if (edges.required() && !edges.presentIn(ctx.request().headers())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ctx.fail(401);
            return;
        }
        if (!access.ready()) {
            ctx.fail(503);
            return;
        }
        AccessPolicy policy = access.policy().orElseThrow();
        EncodedAccessPolicy encoded = lastEncoded;
        if (encoded == null || encoded.policy() != policy) {
            encoded = EncodedAccessPolicy.of(policy);
            lastEncoded = encoded;
        }
        encoded.answer(ctx.request());
    }


    /** Every playback URL: parsed into its one canonical form, or refused with 400. */
    private void playback(RoutingContext ctx) {
        Optional<PlaybackPath> parsed = PlaybackPath.parse(ctx.request().uri());
        if (parsed.isEmpty()) {
            ctx.fail(400);
            return;
        }
        PlaybackPath path = parsed.get();
        Optional<String> token = Optional.ofNullable(ctx.get(GRANTED_TOKEN));
        if (token.isEmpty() && !gate.admits(ctx.request(), path.channel(), null)) {
            return;
        }
        Optional<ChannelPackage> held = packages.get(path.channel());
        if (held.isEmpty()) {
            // A channel this node does not hold is relayed from the origin that does.
            holders.relay(ctx, path.channel(), token);
            return;
        }
        if (path.object() == PlaybackPath.Kind.THUMBNAIL) {
            ctx.next();
            return;
        }
        if (path.object() == PlaybackPath.Kind.MULTIVARIANT_PLAYLIST) {
            master(ctx, held.get());
            return;
        }
        Optional<Rendition> rendition = path.rendition().flatMap(held.get()::rendition);
        if (rendition.isEmpty()) {
            ctx.fail(404);
            return;
        }
        switch (path.object()) {
            case MEDIA_PLAYLIST -> media(ctx, held.get(), rendition.get(), path);
            case INIT -> rendition.get().window().initSegment(PlaybackPath.initName(path.msn())).ifPresentOrElse(
                    init -> respondImmutable(ctx, etag(held.get(), path), init), () -> ctx.fail(404));
            case SEGMENT -> segment(ctx, held.get(), rendition.get().window(), path);
            default -> part(ctx, held.get(), rendition.get().window(), path);
        }
    }

    private static long blockingTimeoutMillis(PackagingSettings settings) {
        return 3L * settings.targetDurationSeconds() * 1000;
    }

    private static void master(RoutingContext ctx, ChannelPackage channelPackage) {
        channelPackage.multivariant().map(PlaylistWriter::write).ifPresentOrElse(
                playlist -> respond(ctx, PLAYLIST_TYPE, PlaybackHeaders.LIVE_PLAYLIST, Buffer.buffer(playlist)),
                () -> ctx.fail(404));
    }

    private void media(RoutingContext ctx, ChannelPackage channelPackage, Rendition rendition, PlaybackPath path) {
        RenditionWindow window = rendition.window();
        Runnable send = () -> respond(ctx, PLAYLIST_TYPE, PlaybackHeaders.playlistCacheControl(path),
                Buffer.buffer(channelPackage.playlist(rendition, path.skip().isPresent())));
        // A playlist with EXT-X-ENDLIST never blocks: the player learns at once that the stream ended.
        if (path.msn().isEmpty() || window.ended()) {
            send.run();
            return;
        }
        long msn = path.msn().getAsLong();
        if (liveEdge(window).tooFarAhead(msn)) {
            ctx.fail(400);
            return;
        }
        int part = path.part().orElse(RenditionWindow.WHOLE_SEGMENT);
        hold(ctx, window, channelPackage.settings(), msn, part, send).onSuccess(ready -> send.run());
    }

    /**
     * Waits for the part (or segment) at most three target durations; 503 when it does not come,
     * {@code whenEnded} when the stream ends first.
     */
    private Future<Void> hold(RoutingContext ctx, RenditionWindow window, PackagingSettings settings, long msn, int part,
                              Runnable whenEnded) {
        Future<Void> waiting = window.await(msn, part);
        if (waiting.isComplete()) {
            if (waiting.failed()) {
                whenEnded.run();
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
                whenEnded.run();
            }
        });
    }

    private static String etag(ChannelPackage channelPackage, PlaybackPath path) {
        return PlaybackHeaders.etag(channelPackage.streamId(), path);
    }

    /** Immutable objects carry an ETag and answer a matching If-None-Match with 304. */
    private static void respondImmutable(RoutingContext ctx, String etag, Buffer body) {
        ctx.response().putHeader(HttpHeaders.ETAG, etag);
        if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            ctx.response().setStatusCode(304).putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*").end();
            return;
        }
        respond(ctx, MEDIA_TYPE, IMMUTABLE, body);
    }

    private void segment(RoutingContext ctx, ChannelPackage channelPackage, RenditionWindow window, PlaybackPath path) {
        long msn = path.msn().getAsLong();
        // A gap segment (its rendition was down for all of it) has nothing to serve: players never ask for it.
        window.segment(msn).filter(s -> s.complete() && !s.gap()).ifPresentOrElse(
                segment -> respondImmutable(ctx, etag(channelPackage, path), segment.bytes()),
                () -> ctx.fail(leftTheWindow(window, msn) ? 410 : 404));
    }

    private void part(RoutingContext ctx, ChannelPackage channelPackage, RenditionWindow window, PlaybackPath path) {
        long msn = path.msn().getAsLong();
        int index = path.part().getAsInt();
        Optional<RenditionWindow.StoredPart> stored = storedPart(window, msn, index);
        if (stored.isPresent()) {
            respondImmutable(ctx, etag(channelPackage, path), stored.get().bytes());
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
        hold(ctx, window, channelPackage.settings(), msn, index, () -> ctx.fail(404)).onSuccess(ready -> storedPart(window, msn, index).ifPresentOrElse(
                part -> respondImmutable(ctx, etag(channelPackage, path), part.bytes()),
                () -> ctx.fail(404)));
    }

    /** The part with media, when there is one: a gap part (GAP=YES) is never served. */
    private static Optional<RenditionWindow.StoredPart> storedPart(RenditionWindow window, long msn, int index) {
        return window.segment(msn).filter(s -> index < s.parts().size()).map(s -> s.parts().get(index))
                .filter(part -> !part.gap());
    }

    private static boolean leftTheWindow(RenditionWindow window, long msn) {
        return window.firstMsn().map(first -> msn < first).orElse(false);
    }

    private static boolean isNearTheLiveEdge(RenditionWindow window, long msn, int index) {
        return !window.ended() && liveEdge(window).mayHold(msn, index);
    }

    private static LiveEdge liveEdge(RenditionWindow window) {
        return window.lastPart().map(edge -> new LiveEdge(edge[0], (int) edge[1])).orElse(LiveEdge.NONE);
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
