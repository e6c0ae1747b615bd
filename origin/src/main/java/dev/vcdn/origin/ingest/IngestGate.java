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
 * registry (one publisher per channel), start the pipeline; or, for a channel's backup encoder,
 * let it stand by ({@link LiveStream}).
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
    private final Publishers publishers = new Publishers();
    private final LiveStream.Packaging packaging = new StreamPackaging();

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
                .compose(grant -> request.backup() ? standBy(grant) : claim(grant).compose(target -> start(grant, target)))
                .onSuccess(stream -> {
                    accepted.increment();
                    log.info("stream started: channel={} stream={} protocol={} remote={}{}", stream.grant().channel(),
                            stream.grant().streamId(), request.protocol(), request.remoteAddress(),
                            request.backup() ? " (backup encoder, standing by)" : "");
                })
                .onFailure(error -> {
                    if (error instanceof PublishRefusedException refusal) {
                        refused.get(refusal.reason()).increment();
                    }
                    log.info("publish refused: protocol={} remote={} key={}{} reason={}", request.protocol(),
                            request.remoteAddress(), request.redactedKey(), request.backup() ? " (backup)" : "",
                            error.getMessage());
                });
    }

    private Future<StreamTarget> claim(PublishGrant grant) {
        StreamTarget target = packaging.entry(grant, false);
        return registry.claim(target).map(target).recover(error -> auth.unpublish(grant, "refused: " + error.getMessage())
                .transform(ignored -> Future.failedFuture(error)));
    }

    /** The claimed stream with its pipeline; a pipeline that cannot start gives the channel back. */
    private Future<LiveStream> start(PublishGrant grant, StreamTarget target) {
        LiveStream stream;
        try {
            stream = LiveStream.packaged(vertx, grant, target, metrics, registry, auth, packaging, publishers);
        } catch (RuntimeException e) {
            log.error("pipeline did not start: channel={} stream={} error={}", grant.channel(), grant.streamId(), e.toString(), e);
            Future<Void> released = registry.release(grant.channel(), grant.streamId());
            Future<Void> told = auth.unpublish(grant, "pipeline did not start");
            return Future.join(released, told).transform(ignored -> Future.failedFuture(
                    new IllegalStateException("the stream's pipeline did not start: " + e.getMessage(), e)));
        }
        publishers.primary(stream);
        // A backup packaged here meanwhile gives the channel back at once (one elsewhere sees its entry gone).
        publishers.backup(grant.channel()).ifPresent(LiveStream::primaryIsBack);
        return Future.succeededFuture(stream);
    }

    /** A backup encoder: accepted, standing by; one per channel at an origin. */
    private Future<LiveStream> standBy(PublishGrant grant) {
        LiveStream stream = LiveStream.standingBy(vertx, grant, metrics, registry, auth, packaging, publishers);
        if (!publishers.backup(stream)) {
            PublishRefusedException refusal = new PublishRefusedException(PublishRefusedException.Reason.ALREADY_LIVE,
                    "channel " + grant.channel() + " has a backup encoder connected already");
            return stream.end("refused: " + refusal.getMessage()).transform(ignored -> Future.failedFuture(refusal));
        }
        return Future.succeededFuture(stream);
    }

    /** A publish's registry entry and pipeline; what the pipeline tells goes to its stream while it still feeds it. */
    private final class StreamPackaging implements LiveStream.Packaging {

        @Override
        public StreamTarget entry(PublishGrant publish, boolean backup) {
            return new StreamTarget(publish.channel(), publish.streamId(), node, clock.instant(), SourceInfo.UNKNOWN,
                    publish.features().renditions(), StreamTarget.State.STARTING, backup);
        }

        @Override
        public MediaSink startPipeline(PublishGrant publish, LiveStream stream) {
            Context context = stream.context();
            // The ladder is planned once media flows, so only after the stream exists.
            return pipelines.start(publish, new PipelineListener() {
                @Override
                public void ladderStarted(LadderStarted ladder) {
                    context.runOnContext(ignored -> {
                        if (current(stream)) {
                            stream.ladderReady(ladder);
                        }
                    });
                }

                @Override
                public void failed(String reason) {
                    context.runOnContext(ignored -> {
                        if (current(stream)) {
                            stream.pipelineFailed(reason);
                        }
                    });
                }

                /** A backup that stood by since has another pipeline, or none: this one's news is not its. */
                private boolean current(LiveStream fed) {
                    return fed.packagedAs().map(publish.streamId()::equals).orElse(false);
                }
            });
        }
    }
}
