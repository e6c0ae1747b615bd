package dev.vcdn.origin.packager;


import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The packages this origin serves, by channel. Lives on one event loop (the HTTP server's):
 * packagers post their changes to it, HTTP reads it, nothing locks. An ended stream stays
 * (with EXT-X-ENDLIST) for a window's length so players see the end.
 */
public final class Packages {

    private final Context context;
    private final PackagingSettings settings;
    private final PackagingSettings lowLatency;
    private final Map<ChannelName, ChannelPackage> byChannel = new HashMap<>();
    private final PackageEvents events;

    public Packages(Context context, PackagingSettings settings, PackagingSettings lowLatency, PackageEvents events) {
        this.context = context;
        this.settings = settings;
        this.lowLatency = lowLatency;
        this.events = events;
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

    void put(ChannelPackage channelPackage) {
        ChannelPackage before = byChannel.put(channelPackage.channel(), channelPackage);
        if (before != null) {
            if (!before.ended()) {
                ended(before);
            }
            channelPackage.follows(before);
            // Its renditions have all started by then; let the old package go.
            context.owner().setTimer(settings.window().toMillis(), id -> channelPackage.follows(null));
        }
        events.publish(channelPackage.started());
    }

    void ended(ChannelPackage channelPackage) {
        channelPackage.end();
        if (events.followed(channelPackage.channel())) {
            channelPackage.renditions().forEach(rendition -> events.publish(channelPackage.playlistUpdate(rendition)));
        }
        events.publish(new OriginEvent.StreamEnded(channelPackage.channel(), channelPackage.streamId()));
        Duration linger = settings.window();
        context.owner().setTimer(linger.toMillis(), id -> byChannel.remove(channelPackage.channel(), channelPackage));
    }
}
