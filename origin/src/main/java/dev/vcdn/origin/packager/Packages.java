package dev.vcdn.origin.packager;

import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.BroadcastRecord;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packages this origin serves, by channel. Lives on one event loop (the HTTP server's):
 * packagers post their changes to it, HTTP reads it, nothing locks. An ended stream stays
 * (with EXT-X-ENDLIST) for a window's length so players see the end.
 *
 * <p>With a reconnect grace, every broadcast is recorded in the cluster's {@link BroadcastLedger}
 * while it runs and while it waits for its publisher, so that a publish on another origin (the
 * publisher came back there, or this origin died) continues it; this origin then hands it over.
 */
public final class Packages {

    private static final Logger log = LoggerFactory.getLogger(Packages.class);
    /**
     * Gap segments listed before a broadcast continued from another origin: the recorded number is
     * one ahead of the newest segment there, which may be partly served (see {@link ChannelPackage#reservedMsn}).
     */
    static final int LEADING_GAPS = 2;
    /**
     * Media time skipped when the broadcast was live at the other origin (not waiting for its
     * publisher): that origin may not be dead but cut off, and make a few more segments before it
     * learns that its publisher is gone; their numbers are left to it.
     */
    static final Duration LIVE_ELSEWHERE_MARGIN = Duration.ofSeconds(10);
    /** A publish does not wait longer than this for the ledger (a cluster in trouble): it starts a new broadcast. */
    static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(2);

    private final Context context;
    private final PackagingSettings settings;
    private final PackagingSettings lowLatency;
    private final Map<ChannelName, ChannelPackage> byChannel = new HashMap<>();
    /** Publishes being started, by channel: the next one of a channel starts after it, in order. */
    private final Map<ChannelName, Future<ChannelPackage>> starting = new HashMap<>();
    private final Map<ChannelPackage, Long> graceTimers = new HashMap<>();
    private final PackageEvents events;
    private final Duration reconnectGrace;
    private final Clock clock;
    private final Timer partAge;
    private final BroadcastLedger ledger;
    private final BroadcastRecorder recorder;
    private final Recorder recordings;

    /**
     * @param reconnectGrace how long a broadcast waits for its publisher to come back; zero: it ends when the publisher leaves
     * @param clock          numbers a new broadcast's segments from its start time in milliseconds
     * @param ledger         the cluster's broadcasts: where one is continued from another origin
     * @param recordings     where the broadcasts of channels that record are kept
     */
    public Packages(Context context, PackagingSettings settings, PackagingSettings lowLatency, Duration reconnectGrace,
                    PackageEvents events, Clock clock, BroadcastLedger ledger, Recorder recordings, MeterRegistry metrics) {
        this.context = context;
        this.recordings = recordings;
        this.partAge = Timer.builder("vcdn.packager.part.age")
                .description("From a part's last media reaching ingest (its PROGRAM-DATE-TIME) to the part being served")
                .register(metrics);
        this.settings = settings;
        this.lowLatency = lowLatency;
        this.reconnectGrace = reconnectGrace;
        this.events = events;
        this.clock = clock;
        this.ledger = ledger;
        this.recorder = new BroadcastRecorder(context.owner(), ledger, reconnectGrace, new BroadcastRecorder.Reactions() {
            @Override
            public void continuedElsewhere(ChannelPackage broadcast) {
                handOver(broadcast);
            }

            @Override
            public void replaced(ChannelPackage broadcast) {
                log.info("broadcast {} of {} ends: another origin started a broadcast of the channel", broadcast.streamId(),
                        broadcast.channel());
                ended(broadcast);
            }
        }, System::nanoTime);
    }

    /**
     * What a new follower of {@code channel} needs before the next part (the stream, every
     * rendition's init and playlist); empty when the channel is not live here. On the event loop.
     */
    public List<OriginEvent> snapshot(ChannelName channel) {
        return get(channel).filter(p -> !p.ended()).map(ChannelPackage::snapshot).orElse(List.of());
    }

    PackageEvents events() {
        return events;
    }

    Context context() {
        return context;
    }

    PackagingSettings settings() {
        return settings;
    }

    PackagingSettings lowLatencySettings() {
        return lowLatency;
    }

    /** On the event loop. */
    public Optional<ChannelPackage> get(ChannelName channel) {
        return Optional.ofNullable(byChannel.get(channel));
    }

    private boolean recorded() {
        return !reconnectGrace.isZero();
    }

    /**
     * A publish of {@code channel} starts (on the event loop). It continues the channel's
     * broadcast when one waits for its publisher, here (with the same timing) or on another
     * origin (the ledger says so); otherwise a new broadcast starts, the one before ending.
     * Publishes of one channel start in the order they came. Never fails: without an answer from
     * the ledger, a new broadcast starts.
     */
    Future<ChannelPackage> publishStarted(ChannelName channel, StreamId publishId, PackagingSettings publishSettings) {
        if (!recorded()) {
            return Future.succeededFuture(start(channel, publishId, publishSettings, Optional.empty()));
        }
        Future<ChannelPackage> before = starting.getOrDefault(channel, Future.succeededFuture());
        Future<ChannelPackage> started = before.transform(ignored -> ledger.find(channel)
                .timeout(LEDGER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .otherwise(error -> {
                    log.warn("broadcast ledger unavailable, {} starts a new broadcast: {}", channel, error.toString());
                    return Optional.empty();
                })
                .map(recordedBroadcast -> start(channel, publishId, publishSettings, recordedBroadcast)));
        starting.put(channel, started);
        return started.onComplete(done -> {
            starting.remove(channel, started);
            if (done.failed()) {
                log.error("publish {} of {} not packaged: {}", publishId, channel, done.cause().toString(), done.cause());
            }
        });
    }

    private ChannelPackage start(ChannelName channel, StreamId publishId, PackagingSettings publishSettings,
                                 Optional<BroadcastRecord> recordedBroadcast) {
        ChannelPackage broadcast = byChannel.get(channel);
        Optional<BroadcastRecord> elsewhere = recordedBroadcast.filter(r -> !ledger.isOwn(r));
        if (broadcast != null && !broadcast.ended() && elsewhere.isEmpty() && recorded()
                && broadcast.settings().equals(publishSettings)) {
            Optional.ofNullable(graceTimers.remove(broadcast)).ifPresent(timer -> context.owner().cancelTimer(timer));
            broadcast.newPublish();
            recorder.changed(broadcast);
            log.info("broadcast of {} goes on: stream {} follows in broadcast {}", channel, publishId, broadcast.streamId());
            return broadcast;
        }
        long firstMsn = clock.millis();
        if (broadcast != null) {
            boolean continuedElsewhere = elsewhere.map(r -> r.broadcastId().equals(broadcast.streamId())).orElse(false);
            if (continuedElsewhere) {
                handOver(broadcast);
            } else if (!broadcast.ended()) {
                ended(broadcast);
            }
            firstMsn = Math.max(firstMsn, broadcast.nextMsn());
        }
        // The URLs of a channel's segments and init segments hold no broadcast id, and what was
        // served is cached as immutable: a new broadcast numbers its segments from its start time
        // in milliseconds, above every number an earlier one used, so it never names an old object.
        ChannelPackage fresh = elsewhere.isPresent()
                ? continued(elsewhere.get(), publishId, publishSettings, broadcast == null ? 0 : broadcast.nextMsn())
                : new ChannelPackage(channel, publishId, publishSettings, firstMsn, 0, 0);
        byChannel.put(channel, fresh);
        if (recorded()) {
            recorder.started(fresh);
        }
        events.publish(fresh.started());
        return fresh;
    }

    /**
     * The broadcast another origin recorded, going on here. Numbered on from that origin's
     * segments, not from the clock: a player sees the numbers go on and keeps its timeline (a
     * jump reads as that many missing segments of the target duration). The numbers that origin
     * may have begun are gap segments; when it was live, not waiting, a margin more.
     */
    private ChannelPackage continued(BroadcastRecord previous, StreamId publishId, PackagingSettings publishSettings,
                                     long localNextMsn) {
        long margin = previous.waiting() ? 0
                : (LIVE_ELSEWHERE_MARGIN.toMillis() + publishSettings.segmentTarget().toMillis() - 1)
                        / publishSettings.segmentTarget().toMillis();
        long firstMsn = Math.max(previous.nextMsn() + margin, localNextMsn);
        int leadingGaps = (int) Math.min(LEADING_GAPS + margin, firstMsn);
        log.info("broadcast of {} goes on from origin {}: stream {} follows in broadcast {} at segment {}", previous.channel(),
                previous.node(), publishId, previous.broadcastId(), firstMsn);
        return new ChannelPackage(previous.channel(), previous.broadcastId(), publishSettings, firstMsn,
                previous.discontinuities() + 1, leadingGaps);
    }

    /**
     * The publish of {@code generation} ended (on the event loop): the broadcast waits the
     * reconnect grace for its publisher to come back, then ends; unless a newer publish has taken
     * it over already.
     */
    void publishEnded(ChannelPackage broadcast, int generation) {
        if (broadcast.ended() || broadcast.generation() != generation) {
            return;
        }
        if (!recorded()) {
            ended(broadcast);
            return;
        }
        broadcast.publisherGone();
        recorder.changed(broadcast);
        publishPlaylists(broadcast);
        graceTimers.put(broadcast, context.owner().setTimer(reconnectGrace.toMillis(), id -> {
            graceTimers.remove(broadcast);
            if (!broadcast.ended() && broadcast.generation() == generation) {
                log.info("broadcast of {} ends: no publisher came back within {} s", broadcast.channel(),
                        reconnectGrace.toSeconds());
                ended(broadcast);
            }
        }));
    }

    /** The broadcast is recorded from now on (its channel has the recording feature); once is enough. */
    void record(ChannelPackage broadcast) {
        if (broadcast.recording() == Recording.NONE && !broadcast.ended()) {
            broadcast.recordInto(recordings.record(broadcast));
        }
    }

    /** A part that ends at {@code mediaEnd} (wall-clock time of its last media at ingest) is served from now on. */
    void partServed(Instant mediaEnd) {
        Duration age = Duration.between(mediaEnd, clock.instant());
        partAge.record(age.isNegative() ? Duration.ZERO : age);
    }

    /** A part was added to the broadcast (on the event loop). */
    void progressed(ChannelPackage broadcast) {
        if (recorded()) {
            recorder.progressed(broadcast);
        }
    }

    /**
     * Another origin continues the broadcast (its publisher came back there): this one stops
     * without an end, so players see none; requests held for it time out and, asked again, are
     * relayed to the new holder, and followers here get its events from there.
     */
    private void handOver(ChannelPackage broadcast) {
        Optional.ofNullable(graceTimers.remove(broadcast)).ifPresent(timer -> context.owner().cancelTimer(timer));
        recorder.stopped(broadcast, false);
        broadcast.recording().left();
        broadcast.leave();
        byChannel.remove(broadcast.channel(), broadcast);
        log.info("broadcast {} of {} continues on another origin", broadcast.streamId(), broadcast.channel());
        events.handedOver(broadcast.channel());
    }

    private void publishPlaylists(ChannelPackage broadcast) {
        if (events.followed(broadcast.channel())) {
            broadcast.renditions().forEach(rendition -> events.publish(broadcast.playlistUpdate(rendition)));
        }
    }

    void ended(ChannelPackage channelPackage) {
        Optional.ofNullable(graceTimers.remove(channelPackage)).ifPresent(timer -> context.owner().cancelTimer(timer));
        recorder.stopped(channelPackage, true);
        channelPackage.end();
        channelPackage.recording().ended(clock.instant());
        publishPlaylists(channelPackage);
        events.publish(new OriginEvent.StreamEnded(channelPackage.channel(), channelPackage.streamId()));
        Duration linger = settings.window();
        context.owner().setTimer(linger.toMillis(), id -> byChannel.remove(channelPackage.channel(), channelPackage));
    }
}
