package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.pipeline.LadderStarted;

import dev.vcdn.origin.auth.AuthClient;
import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import dev.vcdn.shared.stream.RenditionId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An accepted publish: the grant, the registry entry kept alive while the stream runs, and the
 * pipeline's sink. Owned by the ingest connection's event loop; {@link #end} is idempotent.
 */
public final class LiveStream {

    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

    private final Vertx vertx;
    private final PublishGrant grant;
    private final MediaSink sink;
    private final StreamRegistry registry;
    private final AuthClient auth;
    private final long refreshTimer;
    private StreamTarget target;
    private boolean ended;
    private Consumer<String> onPipelineFailure = reason -> end(reason);

    LiveStream(Vertx vertx, PublishGrant grant, StreamTarget target, MediaSink sink, StreamRegistry registry,
               AuthClient auth) {
        this.vertx = vertx;
        this.grant = grant;
        this.target = target;
        this.sink = sink;
        this.registry = registry;
        this.auth = auth;
        this.refreshTimer = vertx.setPeriodic(registry.refreshInterval().toMillis(), id -> refresh());
    }

    public PublishGrant grant() {
        return grant;
    }

    public MediaSink sink() {
        return sink;
    }

    /** What the publisher said it sends (RTMP onMetaData) or what was seen; shown in /api/streams. */
    public void describeSource(SourceInfo source) {
        target = target.with(source, StreamTarget.State.LIVE);
        refresh();
    }

    /**
     * The renditions the pipeline made for this stream, for /api/streams, and the picture's size
     * and rate where the publisher did not say them (SRT has no metadata message).
     */
    void ladderReady(LadderStarted ladder) {
        target = target.withRenditions(ladder.renditions().stream().map(RenditionId::value).toList());
        target = target.with(target.source().orPicture(ladder.sourceWidth(), ladder.sourceHeight(), ladder.sourceFps()),
                StreamTarget.State.LIVE);
        refresh();
    }

    /**
     * What the ingest connection does when the pipeline fails: close itself (and so end this
     * stream), so that the publisher sees the failure and reconnects. Without one, the stream ends.
     */
    public void onPipelineFailure(Consumer<String> handler) {
        this.onPipelineFailure = handler;
    }

    void pipelineFailed(String reason) {
        if (!ended) {
            log.warn("pipeline of {} stream {} failed; ending the publish: {}", grant.channel(), grant.streamId(), reason);
            onPipelineFailure.accept(reason);
        }
    }

    private void refresh() {
        registry.refresh(target).onComplete(stillOurs -> {
            if (stillOurs.failed()) {
                log.warn("registry entry of {} stream {} not refreshed: {}", grant.channel(), grant.streamId(),
                        stillOurs.cause().toString());
            } else if (!stillOurs.result() && !ended) {
                log.warn("registry entry of {} stream {} was lost; restoring it", grant.channel(), grant.streamId());
                registry.claim(target).onFailure(taken -> {
                    // Another publish holds the channel now (this origin was counted out of the
                    // cluster meanwhile): it goes on there, this one must stop making segments.
                    if (taken instanceof PublishRefusedException && !ended) {
                        log.warn("{} stream {} ends: the channel went live at another origin ({})", grant.channel(),
                                grant.streamId(), taken.getMessage());
                        onPipelineFailure.accept("the channel went live at another origin");
                    }
                });
            }
        });
    }

    /** Ends the stream: the pipeline finishes, the registry entry goes, the auth server is told. */
    public Future<Void> end(String reason) {
        if (ended) {
            return Future.succeededFuture();
        }
        ended = true;
        vertx.cancelTimer(refreshTimer);
        sink.close();
        log.info("stream ended: channel={} stream={} reason={}", grant.channel(), grant.streamId(), reason);
        Future<Void> released = registry.release(grant.channel(), grant.streamId());
        Future<Void> told = auth.unpublish(grant, reason)
                .onFailure(e -> log.warn("unpublish of {} stream {} not acknowledged: {}", grant.channel(),
                        grant.streamId(), e.getMessage()));
        return Future.join(released, told).mapEmpty();
    }
}
