package dev.vcdn.edge;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.edge.region.EdgeDirectory;
import dev.vcdn.edge.region.HazelcastOwnership;
import dev.vcdn.edge.region.RegionRelay;
import dev.vcdn.edge.serve.EdgeMetrics;
import dev.vcdn.edge.serve.PlaybackHandler;
import dev.vcdn.edge.serve.ViewerCount;
import dev.vcdn.edge.upstream.Upstream;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.http.TargetGuard;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import dev.vcdn.shared.region.EdgeStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The edge's root: the viewer-facing HTTP server (LL-HLS from cache and pushes, the player pages
 * from the player jar, {@code /api/streams}), the region relay and this node's entry in the
 * region's {@code edges} map. Everything here lives on this verticle's event loop.
 */
public final class EdgeVerticle extends ProcessVerticle {

    /** Class-path folder of the player module's pages. */
    static final String PLAYER_ROOT = "vcdn-player";
    /** Pushes stop being trusted after this silence (parts come every third of a second). */
    static final Duration PUSH_STALE_AFTER = Duration.ofSeconds(2);
    /** A channel no viewer of this node asked for in this long is let go. */
    static final Duration INTEREST_TIMEOUT = Duration.ofSeconds(15);
    /** Viewers are the addresses that reloaded a playlist within this window. */
    static final Duration VIEWER_WINDOW = Duration.ofSeconds(10);
    static final Duration TICK = Duration.ofSeconds(1);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** Largest object fetched upstream: a segment of the highest rung is a few MB. */
    static final long MAX_UPSTREAM_BODY_BYTES = 64L << 20;
    static final int UPSTREAM_CONNECTIONS = 64;

    private final EdgeConfig config;
    private final ProcessContext process;
    private RegionRelay region;
    private EdgeDirectory directory;
    private HazelcastOwnership ownership;
    private UUID membershipListener;
    private ResponseCache cache;
    private ViewerCount viewers;
    private EdgeMetrics metrics;
    private long lastBytesOut;
    private long lastBeatNanos = System.nanoTime();

    public EdgeVerticle(EdgeConfig config, ProcessContext process) {
        this.config = config;
        this.process = process;
    }

    @Override
    public Future<?> start() {
        HazelcastClusterManager clusterManager = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
        ownership = new HazelcastOwnership(clusterManager.getHazelcastInstance());
        Duration objectTtl = config.cache().objectTtl();
        cache = new ResponseCache(config.cache().maxBytes(), Ticker.systemTicker());
        PushedStreams pushed = new PushedStreams(cache, objectTtl, PUSH_STALE_AFTER, System::nanoTime);
        viewers = new ViewerCount(VIEWER_WINDOW, System::nanoTime);
        metrics = new EdgeMetrics(process.metrics());
        directory = new EdgeDirectory(vertx, HEARTBEAT, this::status);
        region = new RegionRelay(vertx, ownership, pushed, directory, config.originUrl(), INTEREST_TIMEOUT, System::nanoTime);
        Upstream upstream = new Upstream(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(UPSTREAM_CONNECTIONS)), MAX_UPSTREAM_BODY_BYTES, objectTtl);
        PlaybackHandler playback = new PlaybackHandler(vertx, cache, pushed, region, upstream, metrics, viewers,
                config.originUrl(), System::nanoTime);
        metrics.watch(cache, pushed, viewers, () -> playback.collapser().collapsed());

        Router router = OperationsRoutes.router(vertx, process);
        router.route().order(-1).handler(new TargetGuard());
        router.get("/live/*").handler(playback);
        router.get("/api/streams").handler(playback::streams);
        router.get("/*").handler(StaticHandler.create(PLAYER_ROOT).setCachingEnabled(true).setMaxAgeSeconds(300));
        return listenHttp(config.http(), router)
                .compose(server -> region.start())
                .compose(ignored -> directory.start())
                .onSuccess(ignored -> {
                    vertx.setPeriodic(TICK.toMillis(), id -> {
                        region.tick();
                        viewers.expire();
                    });
                    // Ownership moves with the members: act on it now rather than at the next tick.
                    membershipListener = ownership.onMembershipChange(() -> context.runOnContext(ignored2 -> region.tick()));
                });
    }

    /** This node as the edges map shows it. */
    private EdgeStatus status() {
        long now = System.nanoTime();
        long bytes = metrics.bytesOutTotal();
        long bitsPerSecond = (bytes - lastBytesOut) * 8 * 1_000_000_000L / Math.max(1, now - lastBeatNanos);
        lastBytesOut = bytes;
        lastBeatNanos = now;
        return new EdgeStatus(ownership.self(), config.region(), publicUrl(), viewers.count(), bitsPerSecond,
                cache.weightedSize(), Instant.now());
    }

    /** The configured public URL, else this server's own address. */
    URI publicUrl() {
        if (config.publicUrl().isPresent()) {
            return config.publicUrl().get();
        }
        Endpoint http = httpEndpoint();
        String host = "0.0.0.0".equals(http.host()) ? config.cluster().host() : http.host();
        return URI.create("http://" + host + ":" + http.port());
    }

    @Override
    public Future<?> stop() {
        if (region != null) {
            region.close();
        }
        return directory == null ? Future.succeededFuture() : directory.leave(ownership.self()).recover(error -> Future.succeededFuture());
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(httpEndpoint());
    }
}
