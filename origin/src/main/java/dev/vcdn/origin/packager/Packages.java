package dev.vcdn.origin.packager;


import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packages this origin serves, by channel. Lives on one event loop (the HTTP server's):
 * packagers post their changes to it, HTTP reads it, nothing locks. An ended stream stays
 * (with EXT-X-ENDLIST) for a window's length so players see the end.
 */
public final class Packages {

    private static final Logger log = LoggerFactory.getLogger(Packages.class);

    private final Context context;
    private final PackagingSettings settings;
    private final PackagingSettings lowLatency;
    private final Map<ChannelName, ChannelPackage> byChannel = new HashMap<>();
    private final Map<ChannelPackage, Long> graceTimers = new HashMap<>();
    private final PackageEvents events;
    private final Duration reconnectGrace;
    private final Clock clock;

    /**
     * @param reconnectGrace how long a broadcast waits for its publisher to come back; zero: it ends when the publisher leaves
     * @param clock          numbers a new broadcast's segments from its start time in milliseconds
     */
    public Packages(Context context, PackagingSettings settings, PackagingSettings lowLatency, Duration reconnectGrace,
                    PackageEvents events, Clock clock) {
        this.context = context;
        this.settings = settings;
        this.lowLatency = lowLatency;
        this.reconnectGrace = reconnectGrace;
        this.events = events;
        this.clock = clock;
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

    /**
     * A publish of {@code channel} starts (on the event loop): it continues the channel's broadcast
     * when that one waits for its publisher (or its last publisher has not quite ended yet) and
     * has the same timing; otherwise a new broadcast starts, the one before ending.
     */
    ChannelPackage publishStarted(ChannelName channel, StreamId publishId, PackagingSettings publishSettings) {
        ChannelPackage broadcast = byChannel.get(channel);
        if (broadcast != null && !broadcast.ended() && !reconnectGrace.isZero() && broadcast.settings().equals(publishSettings)) {
            Optional.ofNullable(graceTimers.remove(broadcast)).ifPresent(timer -> context.owner().cancelTimer(timer));
            broadcast.newPublish();
            log.info("broadcast of {} goes on: stream {} follows in broadcast {}", channel, publishId, broadcast.streamId());
            return broadcast;
        }
        long firstMsn = clock.millis();
        if (broadcast != null) {
            if (!broadcast.ended()) {
                ended(broadcast);
            }
            firstMsn = Math.max(firstMsn, broadcast.nextMsn());
        }
        // The URLs of a channel's segments and init segments hold no broadcast id, and what was
        // served is cached as immutable: a new broadcast numbers its segments from its start time
        // in milliseconds, above every number an earlier one used, so it never names an old object.
        ChannelPackage fresh = new ChannelPackage(channel, publishId, publishSettings, firstMsn);
        byChannel.put(channel, fresh);
        events.publish(fresh.started());
        return fresh;
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
        if (reconnectGrace.isZero()) {
            ended(broadcast);
            return;
        }
        broadcast.publisherGone();
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

    private void publishPlaylists(ChannelPackage broadcast) {
        if (events.followed(broadcast.channel())) {
            broadcast.renditions().forEach(rendition -> events.publish(broadcast.playlistUpdate(rendition)));
        }
    }

    void ended(ChannelPackage channelPackage) {
        Optional.ofNullable(graceTimers.remove(channelPackage)).ifPresent(timer -> context.owner().cancelTimer(timer));
        channelPackage.end();
        publishPlaylists(channelPackage);
        events.publish(new OriginEvent.StreamEnded(channelPackage.channel(), channelPackage.streamId()));
        Duration linger = settings.window();
        context.owner().setTimer(linger.toMillis(), id -> byChannel.remove(channelPackage.channel(), channelPackage));
    }
}
