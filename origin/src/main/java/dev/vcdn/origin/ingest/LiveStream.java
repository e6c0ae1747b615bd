package dev.vcdn.origin.ingest;

import dev.vcdn.origin.auth.AuthClient;
import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.pipeline.LadderStarted;
import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An accepted publish: the grant, the publisher's {@link FeedSink}, and while it is packaged the
 * registry entry kept alive and the pipeline. A primary is packaged from the start. A backup
 * ({@code ?backup}) stands by, keeping its newest GOP, and takes the channel when the primary's
 * stream is gone from the cluster or, at this origin, has sent nothing for {@link #STALL_AFTER};
 * it stands by again when the primary publishes again. Each switch is a new publish of the
 * broadcast, which goes on after a discontinuity. Owned by the ingest connection's event loop;
 * {@link #end} is idempotent.
 */
public final class LiveStream {

    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

    /** A primary silent this long, with a backup ready at the same origin, gives way to it. */
    static final Duration STALL_AFTER = Duration.ofSeconds(1);
    /** How often a backup that stands by looks at the primary. */
    static final Duration STANDBY_CHECK = Duration.ofMillis(200);

    /** What packaging a publish takes: its registry entry and its pipeline. */
    interface Packaging {

        /** The registry entry of {@code publish}, starting. */
        StreamTarget entry(PublishGrant publish, boolean backup);

        /** Starts the pipeline of {@code publish}; what it tells goes to {@code stream}. */
        MediaSink startPipeline(PublishGrant publish, LiveStream stream);
    }

    private final Vertx vertx;
    private final Context context;
    private final PublishGrant grant;
    private final boolean backup;
    private final FeedSink feed;
    private final MediaSink sink;
    private final StreamRegistry registry;
    private final AuthClient auth;
    private final Packaging packaging;
    private final Publishers publishers;
    private long refreshTimer = -1;
    private long standbyTimer = -1;
    /** The registry entry while packaged; what the publisher said of its source otherwise. */
    private StreamTarget target;
    /** The stream id it is packaged under, for other event loops (a backup's looking at its primary); null while standing by. */
    private volatile StreamId packagedId;
    private SourceInfo source = SourceInfo.UNKNOWN;
    private boolean ended;
    private long jumpsSeen;
    private boolean checking;
    /** A stalled primary whose connection is being closed for its backup. */
    private boolean givingWay;
    private Consumer<String> endConnection = reason -> end(reason);

    private LiveStream(Vertx vertx, PublishGrant grant, boolean backup, FeedSink feed, MeterRegistry metrics,
                       StreamRegistry registry, AuthClient auth, Packaging packaging, Publishers publishers) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.grant = grant;
        this.backup = backup;
        this.feed = feed;
        Counter jumps = Counter.builder("vcdn.ingest.timestamp.jumps")
                .description("Jumps in publishers' timestamps shifted out of the stream's timeline").register(metrics);
        this.sink = new CountingSink(new ContinuousTimeline(feed, (kind, jumpMicros) -> {
            jumps.increment();
            if (++jumpsSeen == 1 || jumpsSeen % 100 == 0) {
                log.info("timestamps of {} stream {} jumped by {} ms ({}, {} jumps so far): shifted back onto the stream's timeline",
                        grant.channel(), grant.streamId(), jumpMicros / 1000, kind, jumpsSeen);
            }
        }), metrics);
        this.registry = registry;
        this.auth = auth;
        this.packaging = packaging;
        this.publishers = publishers;
    }

    /** A primary publish, claimed in the registry as {@code target}: its pipeline starts now. */
    static LiveStream packaged(Vertx vertx, PublishGrant grant, StreamTarget target, MeterRegistry metrics,
                               StreamRegistry registry, AuthClient auth, Packaging packaging, Publishers publishers) {
        LiveStream stream = new LiveStream(vertx, grant, false, FeedSink.primary(System::nanoTime), metrics, registry,
                auth, packaging, publishers);
        stream.target = target;
        stream.feed.packageInto(packaging.startPipeline(grant, stream));
        stream.packagedId = target.streamId();
        stream.refreshTimer = vertx.setPeriodic(registry.refreshInterval().toMillis(), id -> stream.refresh());
        return stream;
    }

    /** A backup publish: it stands by until the channel needs it. */
    static LiveStream standingBy(Vertx vertx, PublishGrant grant, MeterRegistry metrics, StreamRegistry registry,
                                 AuthClient auth, Packaging packaging, Publishers publishers) {
        LiveStream stream = new LiveStream(vertx, grant, true, FeedSink.backup(System::nanoTime), metrics, registry,
                auth, packaging, publishers);
        stream.standbyTimer = vertx.setPeriodic(STANDBY_CHECK.toMillis(), id -> stream.checkStandingBy());
        return stream;
    }

    public PublishGrant grant() {
        return grant;
    }

    public MediaSink sink() {
        return sink;
    }

    boolean backup() {
        return backup;
    }

    /** The event loop that owns it: what its pipeline tells is handed to it there. */
    Context context() {
        return context;
    }

    /** The stream id it is packaged under now (a backup gets a new one each time it takes over); empty while standing by. */
    Optional<StreamId> packagedAs() {
        return Optional.ofNullable(packagedId);
    }

    /** What the publisher said it sends (RTMP onMetaData) or what was seen; shown in /api/streams. */
    public void describeSource(SourceInfo described) {
        source = described;
        if (feed.packaged()) {
            target = target.with(described, StreamTarget.State.LIVE);
            refresh();
        }
    }

    /**
     * The renditions the pipeline made for this stream, for /api/streams, and the picture's size
     * and rate where the publisher did not say them (SRT has no metadata message).
     */
    void ladderReady(LadderStarted ladder) {
        if (!feed.packaged()) {
            return; // a pipeline this backup no longer feeds
        }
        target = target.withRenditions(ladder.renditions().stream().map(RenditionId::value).toList());
        source = target.source().orPicture(ladder.sourceWidth(), ladder.sourceHeight(), ladder.sourceFps());
        target = target.with(source, StreamTarget.State.LIVE);
        refresh();
    }

    /**
     * What the ingest connection does when the origin ends the publish (its pipeline failed, the
     * channel went live elsewhere, it stalled and its backup took over): close itself, and so end
     * this stream, so that the publisher sees it and reconnects. Without one, the stream ends.
     */
    public void whenEndedByOrigin(Consumer<String> handler) {
        this.endConnection = handler;
    }

    void pipelineFailed(String reason) {
        if (!ended) {
            log.warn("pipeline of {} stream {} failed; ending the publish: {}", grant.channel(), grant.streamId(), reason);
            endConnection.accept(reason);
        }
    }

    /** Nanoseconds since the publisher last sent anything; read from other event loops. */
    long silentNanos() {
        return feed.silentNanos();
    }

    /** Ends a primary that stalled, for its backup (from the backup's event loop). */
    void giveWayToBackup(long silentMillis) {
        context.runOnContext(ignored -> {
            if (!ended && !givingWay) {
                givingWay = true;
                log.warn("{} stream {} sent nothing for {} ms: its backup encoder takes over", grant.channel(), grant.streamId(),
                        silentMillis);
                endConnection.accept("stalled for " + silentMillis + " ms; the backup encoder takes over");
            }
        });
    }

    /** The primary publishes again (told from its event loop): a packaged backup stands by. */
    void primaryIsBack() {
        context.runOnContext(ignored -> standBy("its primary publishes again"));
    }

    private void checkStandingBy() {
        if (ended || checking || !feed.readyToTakeOver() || feed.silentNanos() > STALL_AFTER.toNanos()) {
            return;
        }
        Optional<LiveStream> localPrimary = publishers.primary(grant.channel());
        if (localPrimary.isPresent()) {
            // A primary at this origin: its silence is seen here, without asking the cluster.
            LiveStream primary = localPrimary.get();
            if (primary.silentNanos() > STALL_AFTER.toNanos()) {
                primary.giveWayToBackup(TimeUnit.NANOSECONDS.toMillis(primary.silentNanos()));
            }
            return;
        }
        checking = true;
        registry.holder(grant.channel()).onComplete(found -> {
            checking = false;
            if (found.succeeded() && found.result().isEmpty() && !ended && feed.readyToTakeOver()) {
                checking = true;
                takeOver();
            }
        });
    }

    /** The channel has no packaged publish: this backup claims it, under a stream id of its own, and is packaged. */
    private void takeOver() {
        PublishGrant publish = new PublishGrant(grant.channel(), StreamId.random(), grant.features());
        StreamTarget claimed = packaging.entry(publish, true).with(source, StreamTarget.State.STARTING);
        registry.claim(claimed).onComplete(done -> {
            checking = false;
            if (done.failed()) {
                return; // another publish got there first: still standing by
            }
            if (ended || feed.packaged() || publishers.primary(grant.channel()).isPresent()) {
                // Ended, or its primary published again here while the claim was under way: it keeps the channel.
                registry.release(publish.channel(), publish.streamId());
                return;
            }
            MediaSink pipeline;
            try {
                pipeline = packaging.startPipeline(publish, this);
            } catch (RuntimeException e) {
                log.error("backup of {} could not start its pipeline: {}", grant.channel(), e.toString(), e);
                registry.release(publish.channel(), publish.streamId());
                return;
            }
            target = claimed;
            feed.packageInto(pipeline);
            packagedId = claimed.streamId();
            refreshTimer = vertx.setPeriodic(registry.refreshInterval().toMillis(), id -> refresh());
            log.info("backup encoder of {} takes over: stream {}", grant.channel(), publish.streamId());
        });
    }

    /** A packaged backup stands by again: its pipeline ends (the broadcast goes on with the primary's). */
    private void standBy(String reason) {
        if (ended || !backup || !feed.packaged()) {
            return;
        }
        vertx.cancelTimer(refreshTimer);
        StreamId packaged = target.streamId();
        packagedId = null;
        feed.standBy();
        registry.release(grant.channel(), packaged);
        log.info("backup encoder of {} stands by again: {}", grant.channel(), reason);
    }

    private void refresh() {
        if (!feed.packaged()) {
            return;
        }
        StreamTarget refreshed = target;
        registry.refresh(refreshed).onComplete(stillOurs -> {
            boolean current = !ended && refreshed.streamId().equals(packagedId);
            if (stillOurs.succeeded() && stillOurs.result() && !current) {
                // Written back after it was released (it ended or stood by meanwhile): released again.
                registry.release(grant.channel(), refreshed.streamId());
                return;
            }
            if (stillOurs.failed()) {
                log.warn("registry entry of {} stream {} not refreshed: {}", grant.channel(), refreshed.streamId(),
                        stillOurs.cause().toString());
            } else if (!stillOurs.result() && current) {
                lost(refreshed);
            }
        });
    }

    /**
     * The registry entry is gone: a backup whose primary took the channel back stands by; one whose
     * entry only expired (a slow cluster), and a primary, claim it again.
     */
    private void lost(StreamTarget entry) {
        if (backup) {
            registry.claim(entry).onFailure(taken -> standBy("its primary took the channel back"));
            return;
        }
        log.warn("registry entry of {} stream {} was lost; restoring it", grant.channel(), entry.streamId());
        registry.claim(entry).onFailure(taken -> {
            // Another publish holds the channel now (this origin was counted out of the cluster
            // meanwhile): it goes on there, this one must stop making segments.
            if (taken instanceof PublishRefusedException && !ended) {
                log.warn("{} stream {} ends: the channel went live at another origin ({})", grant.channel(),
                        entry.streamId(), taken.getMessage());
                endConnection.accept("the channel went live at another origin");
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
        vertx.cancelTimer(standbyTimer);
        boolean wasPackaged = feed.packaged();
        sink.close();
        publishers.remove(this);
        log.info("stream ended: channel={} stream={} reason={}", grant.channel(), grant.streamId(), reason);
        Future<Void> released = wasPackaged ? registry.release(grant.channel(), target.streamId()) : Future.succeededFuture();
        Future<Void> told = auth.unpublish(grant, reason)
                .onFailure(e -> log.warn("unpublish of {} stream {} not acknowledged: {}", grant.channel(),
                        grant.streamId(), e.getMessage()));
        return Future.join(released, told).mapEmpty();
    }
}
