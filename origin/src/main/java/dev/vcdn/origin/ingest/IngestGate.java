package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.pipeline.PipelineFactory;
import dev.vcdn.origin.pipeline.PipelineListener;
import dev.vcdn.origin.pipeline.LadderStarted;

import dev.vcdn.origin.auth.AuthClient;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.auth.PublishRequest;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way in for every ingest protocol: ask the auth server, claim the channel in the
 * registry (one publisher per channel), start the pipeline.
 */
public final class IngestGate {

    private static final Logger log = LoggerFactory.getLogger(IngestGate.class);

    private final Vertx vertx;
    private final AuthClient auth;
    private final StreamRegistry registry;
    private final PipelineFactory pipelines;
    private final String node;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Counter accepted;
    private final Map<PublishRefusedException.Reason, Counter> refused = new EnumMap<>(PublishRefusedException.Reason.class);

    public IngestGate(Vertx vertx, AuthClient auth, StreamRegistry registry, PipelineFactory pipelines, String node,
                      Clock clock, MeterRegistry metrics) {
        this.vertx = vertx;
        this.auth = auth;
        this.registry = registry;
        this.pipelines = pipelines;
        this.node = node;
        this.clock = clock;
        this.metrics = metrics;
        this.accepted = Counter.builder("vcdn.ingest.publishes").tag("result", "accepted")
                .description("Publish attempts by outcome").register(metrics);
        for (PublishRefusedException.Reason reason : PublishRefusedException.Reason.values()) {
            refused.put(reason, Counter.builder("vcdn.ingest.publishes")
                    .tag("result", reason.name().toLowerCase(Locale.ROOT))
                    .description("Publish attempts by outcome").register(metrics));
        }
    }

    /** The accepted stream, or a {@link PublishRefusedException}. */
    public Future<LiveStream> open(PublishRequest request) {
        return auth.authorize(request)
                .compose(grant -> claim(grant).compose(target -> start(grant, target)))
                .onSuccess(stream -> {
                    accepted.increment();
                    log.info("stream started: channel={} stream={} protocol={} remote={}", stream.grant().channel(),
                            stream.grant().streamId(), request.protocol(), request.remoteAddress());
                })
                .onFailure(error -> {
                    if (error instanceof PublishRefusedException refusal) {
                        refused.get(refusal.reason()).increment();
                    }
                    log.info("publish refused: protocol={} remote={} key={} reason={}", request.protocol(),
                            request.remoteAddress(), request.redactedKey(), error.getMessage());
                });
    }

    private Future<StreamTarget> claim(PublishGrant grant) {
        StreamTarget target = new StreamTarget(grant.channel(), grant.streamId(), node, clock.instant(),
                SourceInfo.UNKNOWN, grant.features().renditions(), StreamTarget.State.STARTING);
        return registry.claim(target).map(target).recover(error -> auth.unpublish(grant, "refused: " + error.getMessage())
                .transform(ignored -> Future.failedFuture(error)));
    }

    /** The claimed stream with its pipeline; a pipeline that cannot start gives the channel back. */
    private Future<LiveStream> start(PublishGrant grant, StreamTarget target) {
        Context context = vertx.getOrCreateContext();
        LiveStream[] stream = new LiveStream[1];
        MediaSink sink;
        try {
            // The ladder is planned once media flows, so only after the stream below exists.
            sink = pipelines.start(grant, new PipelineListener() {
                @Override
                public void ladderStarted(LadderStarted ladder) {
                    context.runOnContext(ignored -> stream[0].ladderReady(ladder));
                }

                @Override
                public void failed(String reason) {
                    context.runOnContext(ignored -> stream[0].pipelineFailed(reason));
                }
            });
        } catch (RuntimeException e) {
            log.error("pipeline did not start: channel={} stream={} error={}", grant.channel(), grant.streamId(), e.toString(), e);
            Future<Void> released = registry.release(grant.channel(), grant.streamId());
            Future<Void> told = auth.unpublish(grant, "pipeline did not start");
            return Future.join(released, told).transform(ignored -> Future.failedFuture(
                    new IllegalStateException("the stream's pipeline did not start: " + e.getMessage(), e)));
        }
        stream[0] = new LiveStream(vertx, grant, target, new CountingSink(sink, metrics), registry, auth);
        return Future.succeededFuture(stream[0]);
    }
}
