package dev.vcdn.origin;

import dev.vcdn.origin.auth.AuthClient;
import dev.vcdn.origin.auth.BearerToken;
import dev.vcdn.origin.auth.BuiltInAuthService;
import dev.vcdn.origin.auth.ChannelStore;
import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.origin.pipeline.PipelineFactory;
import dev.vcdn.origin.ingest.rtmp.RtmpIngestVerticle;
import dev.vcdn.origin.ingest.srt.SrtIngestVerticle;
import dev.vcdn.origin.ingest.webrtc.WhipIngestVerticle;
import dev.vcdn.origin.ingest.webrtc.WhipRoutes;
import dev.vcdn.origin.recording.DiskRecordingStore;
import dev.vcdn.origin.recording.RecordingLibrary;
import dev.vcdn.origin.recording.RecordingRetention;
import dev.vcdn.origin.recording.RecordingRoutes;
import dev.vcdn.origin.recording.RecordingSettings;
import dev.vcdn.origin.recording.RecordingStore;
import dev.vcdn.origin.recording.S3RecordingStore;
import dev.vcdn.origin.recording.StoreRecorder;
import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import dev.vcdn.origin.serve.EventHub;
import dev.vcdn.origin.packager.Packages;
import dev.vcdn.origin.serve.PlaybackRoutes;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.shared.access.AccessFollower;
import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.PlaybackGate;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's root: the HTTP server (operations, admin and auth API, stream list), the built-in
 * auth service's database, the stream registry and the ingest listeners.
 */
public final class OriginVerticle extends ProcessVerticle {

    private static final Logger log = LoggerFactory.getLogger(OriginVerticle.class);
    /** How often the access document is asked for: a revocation is in force here this long after it is made. */
    static final Duration ACCESS_POLL = Duration.ofMillis(500);
    /** A recording without an end whose newest segment is this much older than the reconnect grace lost its origin. */
    static final Duration STALE_RECORDING = Duration.ofSeconds(30);
    static final Duration RETENTION_FIRST = Duration.ofMinutes(1);
    static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);
    static final int RECORDING_THREADS = 4;
    static final int RECORDING_CONNECTIONS = 16;

    private final OriginConfig config;
    private final ProcessContext process;
    private final String adminToken;
    private final Function<Packages, PipelineFactory> pipelines;
    private final ThumbnailStore thumbnails;
    private final PlaybackAccess access = new PlaybackAccess(Optional.empty(), Clock.systemUTC());
    private AccessFollower accessFollower;
    private long retentionTimer = -1;
    private WorkerExecutor recordingWorkers;
    private ChannelStore channelStore;
    private RtmpIngestVerticle rtmp;
    private SrtIngestVerticle srt;
    private WhipIngestVerticle whip;
    /** This node's address in the stream registry: where the other origins relay playback of its streams. */
    private String node;

    /**
     * @param pipelines  what each accepted stream's packets are handed to, given where the
     *                   packaged LL-HLS goes
     * @param thumbnails the live channels' thumbnails the pipelines keep
     */
    public OriginVerticle(OriginConfig config, ProcessContext process, Function<Packages, PipelineFactory> pipelines,
                          ThumbnailStore thumbnails) {
        this.config = config;
        this.process = process;
        this.pipelines = pipelines;
        this.thumbnails = thumbnails;
        this.adminToken = config.adminToken().orElseThrow(() -> new IllegalStateException("admin token not resolved"));
    }

    @Override
    public Future<?> start() {
        Router router = OperationsRoutes.router(vertx, process);
        StreamRegistry registry = new StreamRegistry(vertx);
        router.get("/api/streams").handler(ctx -> listStreams(ctx, registry, access));
        EventHub events = new EventHub(process.metrics(), access::isPrivate);
        BroadcastLedger broadcasts = new BroadcastLedger(vertx, () -> node);
        StoreRecorder recorder = new StoreRecorder(recordingStore(), config.recording().maxQueuedBytes(), thumbnails::get,
                Clock.systemUTC(), process.metrics());
        Packages packages = new Packages(context, config.hls().standard(), config.hls().lowLatency(),
                config.hls().reconnectGrace(), events, Clock.systemUTC(), broadcasts, recorder, process.metrics());
        PlaybackRoutes playback = new PlaybackRoutes(vertx, packages, events, registry, broadcasts, () -> node,
                config.clientTls(), access, config.edges());
        playback.mount(router);
        serveRecordings(router, recorder, playback.gate());
        router.get("/live/:channel/thumb.jpg").handler(this::thumbnail);
        return openBuiltInAuth(router)
                .compose(ignored -> listenHttp(config.http(), router, process))
                .compose(server -> {
                    node = config.http().scheme() + "://" + config.cluster().host() + ":" + server.actualPort();
                    return startIngest(registry, pipelines.apply(packages), server.actualPort(), router);
                });
    }

    /** The store, with threads of its own: a slow disk or bucket holds up no publish check. */
    private RecordingStore recordingStore() {
        recordingWorkers = vertx.createSharedWorkerExecutor("vcdn-recordings", RECORDING_THREADS);
        RecordingSettings settings = config.recording();
        return settings.s3().<RecordingStore>map(s3 -> new S3RecordingStore(vertx, recordingWorkers,
                        vertx.createHttpClient(config.clientTls().apply(new HttpClientOptions().setKeepAlive(true)),
                                new PoolOptions().setHttp1MaxSize(RECORDING_CONNECTIONS)), s3, Clock.systemUTC()))
                .orElseGet(() -> new DiskRecordingStore(vertx, recordingWorkers, settings.directory()));
    }

    /** The recordings API and playback URLs, and the retention job. */
    private void serveRecordings(Router router, StoreRecorder recorder, PlaybackGate gate) {
        RecordingLibrary library = new RecordingLibrary(recorder, config.recording(), recordingWorkers,
                config.hls().standard().targetDurationSeconds(), config.hls().reconnectGrace().plus(STALE_RECORDING),
                Clock.systemUTC());
        new RecordingRoutes(library, gate, access, new BearerToken(adminToken), PlaybackRoutes::grantedToken).mount(router);
        RecordingRetention retention = new RecordingRetention(library, config.recording().retention(),
                config.recording().maxBytes(), Clock.systemUTC());
        if (retention.enabled()) {
            retentionTimer = vertx.setPeriodic(RETENTION_FIRST.toMillis(), RETENTION_INTERVAL.toMillis(), id -> retention.enforce());
        }
        log.info("recordings kept in {}", recorder.store().describe());
    }

    private Future<Void> openBuiltInAuth(Router router) {
        if (config.auth().url().isPresent()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> ChannelStore.open(config.dataDir())).map(store -> {
            channelStore = store;
            new BuiltInAuthService(vertx, store, adminToken, Clock.systemUTC()).mount(router);
            return null;
        });
    }

    /**
     * An external auth server is verified as any server. The built-in service is this process itself,
     * called over loopback, where its certificate (made out to the origin's public names) cannot match
     * the address: its own chain is trusted, beside the usual authorities, without the host name check.
     * Blocking (trust stores are read): off the event loop.
     */
    private WebClientOptions authClientOptions() {
        if (config.auth().url().isEmpty() && config.http().tls().isPresent()) {
            return config.clientTls().including(config.http().tls().get().material().chain())
                    .apply(new WebClientOptions()).setVerifyHost(false);
        }
        return config.clientTls().apply(new WebClientOptions());
    }

    private Future<String> startIngest(StreamRegistry registry, PipelineFactory pipelineFactory, int httpPort, Router router) {
        String localHost = config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
        URI authUrl = config.auth().url().orElse(
                URI.create(config.http().scheme() + "://" + localHost + ":" + httpPort + BuiltInAuthService.AUTH_PATH));
        return vertx.executeBlocking(this::authClientOptions).compose(authOptions -> {
            String authToken = config.auth().token().orElse(adminToken);
            AuthClient auth = new AuthClient(WebClient.create(vertx, authOptions), authUrl, authToken, config.auth().timeout());
            Future<Void> accessKnown = followAccess(authOptions, authUrl, authToken);
            IngestGate gate = new IngestGate(vertx, auth, registry, pipelineFactory, node,
                    Clock.systemUTC(), process.metrics());
            rtmp = new RtmpIngestVerticle(config.rtmp(), gate, process.metrics());
            srt = new SrtIngestVerticle(config.srt(), gate, process.metrics());
            whip = new WhipIngestVerticle(config.whip(), gate, process.metrics());
            return vertx.deployVerticle(rtmp).compose(ignored -> vertx.deployVerticle(srt))
                    .compose(ignored -> vertx.deployVerticle(whip))
                    .onSuccess(ignored -> new WhipRoutes(whip).mount(router))
                    .compose(deployed -> accessKnown.map(deployed));
        });
    }

    /**
     * Follows the access document (private channels, token keys, revocations). The built-in auth
     * service's is this process's own: its first document is waited for, so nothing is refused for
     * want of it once the origin is up; one elsewhere ({@code auth.access-url}) may come later
     * (playback waits with 503 until it does). An auth server of the user's with no access URL
     * knows no private channels: every channel is public.
     */
    private Future<Void> followAccess(WebClientOptions authOptions, URI authUrl, String authToken) {
        boolean builtIn = config.auth().url().isEmpty();
        Optional<URI> document = config.auth().accessUrl()
                .or(() -> builtIn ? Optional.of(URI.create(authUrl.toString().replaceAll("/+$", "") + "/access")) : Optional.empty());
        if (document.isEmpty()) {
            log.info("no auth.access-url beside the external auth server: every channel is public");
            access.install(AccessPolicy.OPEN);
            return Future.succeededFuture();
        }
        accessFollower = new AccessFollower(vertx, vertx.createHttpClient(new HttpClientOptions(authOptions)), document::get,
                Optional.of(authToken), access, ACCESS_POLL);
        Future<Void> first = accessFollower.start();
        return builtIn ? first.timeout(10, TimeUnit.SECONDS) : Future.succeededFuture();
    }

    /** The live channels anyone may list: private ones are left out (their viewers have their links). */
    private static void listStreams(RoutingContext ctx, StreamRegistry registry, PlaybackAccess access) {
        if (!access.ready()) {
            ctx.fail(503);
            return;
        }
        registry.live().onSuccess(streams -> {
            JsonArray list = new JsonArray();
            streams.stream().filter(stream -> !access.isPrivate(stream.channel())).map(StreamTarget::toJson).forEach(list::add);
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=1")
                    .end(list.encode());
        }).onFailure(ctx::fail);
    }

    private void thumbnail(RoutingContext ctx) {
        String channel = ctx.pathParam("channel");
        if (!ChannelName.isValid(channel)) {
            ctx.fail(400);
            return;
        }
        thumbnails.get(ChannelName.of(channel)).ifPresentOrElse(jpeg -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "image/jpeg")
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=5")
                .end(Buffer.buffer(jpeg)), () -> ctx.fail(404));
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>(httpEndpoints());
        endpoints.addAll(rtmp.endpoints());
        endpoints.addAll(srt.endpoints());
        endpoints.addAll(whip.endpoints());
        return endpoints;
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(retentionTimer);
        if (recordingWorkers != null) {
            recordingWorkers.close();
        }
        if (accessFollower != null) {
            accessFollower.stop();
        }
        if (channelStore == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            channelStore.close();
            return null;
        });
    }
}
