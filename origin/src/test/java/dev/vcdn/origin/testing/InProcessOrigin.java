package dev.vcdn.origin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.OriginConfig;
import dev.vcdn.origin.OriginVerticle;
import dev.vcdn.origin.ingest.RecordingPipeline;
import dev.vcdn.origin.ingest.RecordingPipeline.Recording;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessMetrics;
import dev.vcdn.shared.process.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An origin deployed in the test's Vert.x on ephemeral loopback ports, whose pipeline records
 * what ingest hands it, with the admin calls the ingest tests make.
 */
public final class InProcessOrigin {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final RecordingPipeline pipeline = new RecordingPipeline();
    private final ProcessContext context =
            new ProcessContext("origin", new ProcessMetrics("origin", "test").registry(), new Readiness());
    private final OriginVerticle origin;
    /** Kept here: Vert.x closes a client nothing refers to. */
    private final WebClient client;

    private InProcessOrigin(Vertx vertx, OriginConfig config) {
        this.origin = new OriginVerticle(config, context, packages -> pipeline, new ThumbnailStore());
        this.client = WebClient.create(vertx);
    }

    /** Deploys one with its data in {@code dataDir}; {@code env} adds or overrides settings. */
    public static Future<InProcessOrigin> deploy(Vertx vertx, Path dataDir, Map<String, String> env) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0",
                "VCDN_RTMP_HOST", "127.0.0.1", "VCDN_RTMP_PORT", "0",
                "VCDN_SRT_HOST", "127.0.0.1", "VCDN_SRT_PORT", "0", "VCDN_WHIP_HOST", "127.0.0.1", "VCDN_WHIP_PORT", "0",
                "VCDN_DATA_DIR", dataDir.toString(), "VCDN_ADMIN_TOKEN", ADMIN_TOKEN));
        settings.putAll(env);
        InProcessOrigin deployed = new InProcessOrigin(vertx, OriginConfig.read(ConfigSource.ofEnvironment(settings)));
        return vertx.deployVerticle(deployed.origin).map(deployed);
    }

    /** Runs a publisher program on a worker thread, to its end. */
    public static Future<Publisher.Result> publish(Vertx vertx, List<String> command) {
        return vertx.executeBlocking(() -> Publisher.run(command, 60), false);
    }

    public RecordingPipeline pipeline() {
        return pipeline;
    }

    public PrometheusMeterRegistry metrics() {
        return context.metrics();
    }

    /** The port of endpoint {@code name} ({@code http}, {@code rtmp}, {@code rtmps}, {@code srt}). */
    public int port(String name) {
        return origin.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().port();
    }

    /** Creates a channel through the admin API; its stream key. */
    public Future<String> createChannel(String name) {
        return client.post(port("http"), "127.0.0.1", "/api/channels").bearerTokenAuthentication(ADMIN_TOKEN)
                .sendJsonObject(new JsonObject().put("name", name))
                .map(response -> {
                    assertThat(response.statusCode()).isEqualTo(201);
                    return response.bodyAsJsonObject().getString("streamKey");
                });
    }

    /**
     * What one publish on a new channel showed: the publisher's end, {@code /api/streams} while it
     * was live (2.5 s in) and after the pipeline ended, and what the pipeline got.
     */
    public record Publish(Publisher.Result publisher, JsonArray whileLive, JsonArray after, Recording recording) {
    }

    /** Creates {@code channel}, runs the publisher {@code command} makes of its key, and watches. */
    public Future<Publish> publishOnNewChannel(Vertx vertx, String channel, Function<String, List<String>> command) {
        return createChannel(channel).compose(key -> {
            Future<Publisher.Result> publishing = publish(vertx, command.apply(key));
            Future<JsonArray> whileLive = vertx.timer(2500).compose(ignored -> streams());
            return Future.all(publishing, whileLive);
        }).compose(both -> {
            Recording recording = pipeline.recordings().get(pipeline.recordings().size() - 1);
            return Future.fromCompletionStage(recording.ended()).compose(ended -> streams())
                    .map(after -> new Publish(both.resultAt(0), both.resultAt(1), after, recording));
        });
    }

    /** {@code GET /api/streams}. */
    public Future<JsonArray> streams() {
        return client.get(port("http"), "127.0.0.1", "/api/streams").send().map(r -> r.bodyAsJsonArray());
    }
}
