package dev.vcdn.edge;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.edge.region.EdgeDirectory;
import dev.vcdn.edge.region.HazelcastOwnership;
import dev.vcdn.edge.region.RegionRelay;
import dev.vcdn.edge.serve.EdgeMetrics;
import dev.vcdn.edge.serve.PlaybackHandler;
import dev.vcdn.edge.serve.PlayerFiles;
import dev.vcdn.edge.serve.ViewerCount;
import dev.vcdn.edge.serve.ViewerServer;
import dev.vcdn.edge.upstream.Origins;
import dev.vcdn.edge.upstream.Upstream;
import dev.vcdn.shared.access.AccessFollower;
import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.access.PlaybackGate;
import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import dev.vcdn.shared.region.EdgeStatus;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's core: it owns the live state (cache fills, pushed playlists, held requests, the
 * region relay, this node's entry in the region's {@code edges} map) on its event loop, and
 * deploys the viewer-facing HTTP server on as many event loops as configured.
 */
public final class EdgeVerticle extends ProcessVerticle {

    private static final Logger log = LoggerFactory.getLogger(EdgeVerticle.class);
    /** Pushes stop being trusted after this silence (parts come every third of a second). */
    static final Duration PUSH_STALE_AFTER = Duration.ofSeconds(2);
    /** A channel no viewer of this node asked for in this long is let go. */
    static final Duration INTEREST_TIMEOUT = Duration.ofSeconds(15);
    /** Viewers are the addresses that reloaded a playlist within this window. */
    static final Duration VIEWER_WINDOW = Duration.ofSeconds(10);
    static final Duration TICK = Duration.ofSeconds(1);
    /** How often requests held for a push are checked for their deadline and for viewers that left. */
    static final Duration HELD_SWEEP = Duration.ofMillis(200);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** Largest object fetched upstream: a segment of the highest rung is a few MB. */
    static final long MAX_UPSTREAM_BODY_BYTES = 64L << 20;
    static final int UPSTREAM_CONNECTIONS = 64;
    /** How often the origin's access rules are asked for: a revocation is in force here this long after the origin has it. */
    static final Duration ACCESS_POLL = Duration.ofMillis(500);

    private final EdgeConfig config;
    private final ProcessContext process;
    private final List<ViewerServer> servers = new ArrayList<>();
    private final PlaybackAccess access;
    private AccessFollower accessFollower;
    private RegionRelay region;
    private EdgeDirectory directory;
    private HazelcastOwnership ownership;
    private ResponseCache cache;
    private ResponseCache recordings;
    private ViewerCount viewers;
    private EdgeMetrics metrics;
    private long lastBytesOut;
    private long lastBeatNanos = System.nanoTime();

    public EdgeVerticle(EdgeConfig config, ProcessContext process) {
        this.config = config;
        this.process = process;
        this.access = new PlaybackAccess(Optional.of(config.region()), Clock.systemUTC());
    }

    @Override
    public Future<?> start() {
        HazelcastClusterManager clusterManager = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
        ownership = new HazelcastOwnership(clusterManager.getHazelcastInstance());
        Duration objectTtl = config.cache().objectTtl();
        boolean offHeap = cacheFitsDirectMemory();
        cache = new ResponseCache(config.cache().liveBytes(), Ticker.systemTicker(), offHeap);
        recordings = new ResponseCache(config.cache().recordingBytes(), Ticker.systemTicker(), offHeap);
        PushedStreams pushed = new PushedStreams(cache, objectTtl, PUSH_STALE_AFTER, System::nanoTime);
        viewers = new ViewerCount(VIEWER_WINDOW, config.viewers().max(), System::nanoTime);
        metrics = new EdgeMetrics(process.metrics());
        directory = new EdgeDirectory(vertx, HEARTBEAT, this::status);
        Origins origins = new Origins(config.origins());
        region = new RegionRelay(vertx, ownership, pushed, directory, origins, config.clientTls(), config.edges(),
                INTEREST_TIMEOUT, System::nanoTime);
        Upstream upstream = new Upstream(vertx.createHttpClient(config.clientTls().apply(new HttpClientOptions().setKeepAlive(true)),
                new PoolOptions().setHttp1MaxSize(UPSTREAM_CONNECTIONS)), MAX_UPSTREAM_BODY_BYTES, objectTtl, config.edges());
        accessFollower = new AccessFollower(vertx, vertx.createHttpClient(config.clientTls().apply(new HttpClientOptions())),
                () -> origins.current().resolve(AccessPolicy.DOCUMENT_PATH), config.edges().token(), access, ACCESS_POLL);
        PlaybackHandler playback = new PlaybackHandler(cache, recordings, pushed, region, upstream, metrics, viewers,
                origins, System::nanoTime);
        metrics.watch(cache, pushed, viewers, () -> playback.collapser().collapsed());
        metrics.watchRecordings(recordings);

        return vertx.executeBlocking(() -> PlayerFiles.load(ViewerServer.PLAYER_ROOT))
                .compose(player -> deployServers(playback, player))
                .compose(ignored -> listenRedirect(config.http(), portForViewers(), process))
                .compose(ignored -> region.start())
                .compose(ignored -> directory.start())
                .onSuccess(ignored -> {
                    // Not waited for: an edge may start before its origin. Until the rules come it is not
                    // ready (geo-config sends nobody) and playback is answered 503.
                    process.readiness().require("access rules from the origin", access::ready);
                    accessFollower.start();
                    vertx.setPeriodic(TICK.toMillis(), id -> {
                        region.tick();
                        viewers.expire();
                        cache.cleanUp(); // expired entries leave, and their native bodies are freed, with no traffic too
                        recordings.cleanUp();
                    });
                    vertx.setPeriodic(HELD_SWEEP.toMillis(), id -> pushed.expireWaiters());
                    // Ownership moves with the members: act on it now rather than at the next tick.
                    ownership.onMembershipChange(() -> context.runOnContext(v -> region.tick()));
                });
    }

    /** Whether cached bodies can live off-heap: the JVM's direct memory must hold the whole cache, with room for I/O. */
    private boolean cacheFitsDirectMemory() {
        long direct = PlatformDependent.maxDirectMemory();
        boolean fits = config.cache().maxBytes() <= direct * 3 / 4;
        if (!fits) {
            log.warn("cache bodies kept on the heap: cache.max-bytes {} is over 3/4 of the JVM's direct memory ({} bytes); "
                    + "raise -XX:MaxDirectMemorySize to serve them without a copy", config.cache().maxBytes(), direct);
            return false;
        }
        if (!PlatformDependent.hasUnsafe()) {
            log.warn("cache bodies kept on the heap: this JVM does not let Netty free native memory when the edge is done "
                    + "with it, and leaving it to the garbage collector lets it pile up");
            return false;
        }
        return true;
    }

    /** One viewer server per event loop, all on one port. */
    private Future<Void> deployServers(PlaybackHandler playback, PlayerFiles player) {
        List<Future<String>> deployed = new ArrayList<>();
        PlaybackGate gate = new PlaybackGate(access, config.edges(), metrics::refused);
        for (int i = 0; i < config.eventLoops(); i++) {
            ViewerServer server = new ViewerServer(config.http(), process, cache, recordings, metrics, playback, context, viewers,
                    config.viewers().writeDeadline(), certificates(config.http(), process), player, gate);
            servers.add(server);
            deployed.add(vertx.deployVerticle(server));
        }
        return Future.all(deployed).mapEmpty();
    }

    /** This node as the edges map shows it. */
    private EdgeStatus status() {
        long now = System.nanoTime();
        long bytes = metrics.bytesOutTotal();
        long bitsPerSecond = (bytes - lastBytesOut) * 8 * 1_000_000_000L / Math.max(1, now - lastBeatNanos);
        lastBytesOut = bytes;
        lastBeatNanos = now;
        return new EdgeStatus(ownership.self(), config.region(), publicUrl(), viewers.count(), viewers.full(),
                bitsPerSecond, cache.weightedSize() + recordings.weightedSize(), Instant.now());
    }

    /** The port viewers reach this node's HTTP server on: the public URL's (behind a mapping or balancer), else its own. */
    private int portForViewers() {
        return config.publicUrl().map(url -> url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80)
                .orElse(servers.get(0).actualPort());
    }

    /** The configured public URL, else this server's own address. */
    URI publicUrl() {
        if (config.publicUrl().isPresent()) {
            return config.publicUrl().get();
        }
        Endpoint http = endpoints().get(0);
        String host = HttpServerConfig.DEFAULT_HOST.equals(http.host()) ? config.cluster().host() : http.host();
        return URI.create(config.http().scheme() + "://" + host + ":" + http.port());
    }

    @Override
    public Future<?> stop() {
        if (accessFollower != null) {
            accessFollower.stop();
        }
        if (region != null) {
            region.close();
        }
        return directory == null ? Future.succeededFuture() : directory.leave(ownership.self());
    }

    @Override
    public List<Endpoint> endpoints() {
        return httpEndpoints(config.http(), servers.get(0).actualPort());
    }
}
