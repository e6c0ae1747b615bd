package dev.vcdn.edge.region;

import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.edge.upstream.Origins;
import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region's share of work for live channels. Every node tells a channel's owner, once a
 * second, that it has viewers for it; the owner keeps one subscription to the origin's events
 * for the channels someone in the region watches and publishes every event on the clustered
 * event bus, where the nodes with viewers take it into their cache and playlists. Ownership is
 * checked whenever the owner acts, so a node that lost a channel stops at its next event.
 * Event-loop owned.
 */
public final class RegionRelay {

    private static final Logger log = LoggerFactory.getLogger(RegionRelay.class);
    static final String EVENTS_ADDRESS = "vcdn.edge.events.";
    static final String WATCH_ADDRESS = "vcdn.edge.watch.";
    /**
     * Channels followed at once, by this node's viewers and by the region at this owner: what one
     * subscription at the origin takes. Past it, a channel is served by pulling from upstream.
     */
    static final int MAX_FOLLOWED = EventCodec.MAX_CHANNELS;

    private final Vertx vertx;
    private final ChannelOwnership ownership;
    private final PushedStreams pushed;
    private final EdgeDirectory directory;
    private final Origins origins;
    private final Duration interestTimeout;
    private final LongSupplier nanoTime;
    private final OriginEvents originEvents;
    /** Channels viewers of this node asked for, with when they last did. */
    private final Map<ChannelName, Long> localInterest = new HashMap<>();
    private final Map<ChannelName, MessageConsumer<Buffer>> consumers = new HashMap<>();
    /** Channels this node owns that someone in the region watches, with when they last said so. */
    private final Map<ChannelName, Long> regionInterest = new HashMap<>();
    private MessageConsumer<String> watchConsumer;
    /** The interest maps at their bound now: warned once each time one fills. */
    private final Set<Map<ChannelName, Long>> warnedFull = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param originTrust     whom to trust when an origin is {@code https://}
     * @param interestTimeout a channel no viewer asked for this long is let go
     */
    public RegionRelay(Vertx vertx, ChannelOwnership ownership, PushedStreams pushed, EdgeDirectory directory, Origins origins,
                       ClientTlsConfig originTrust, EdgeCredential credential, Duration interestTimeout, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.ownership = ownership;
        this.pushed = pushed;
        this.directory = directory;
        this.origins = origins;
        this.interestTimeout = interestTimeout;
        this.nanoTime = nanoTime;
        this.originEvents = new OriginEvents(vertx, origins, originTrust, credential, this::fromOrigin);
    }

    public Future<Void> start() {
        watchConsumer = vertx.eventBus().consumer(WATCH_ADDRESS + ownership.self(), message -> watched(message.body()));
        return watchConsumer.completion();
    }

    /** A viewer of this node found something of {@code channel}: it is followed while viewers keep asking. */
    public void touch(ChannelName channel) {
        if (!localInterest.containsKey(channel) && full(localInterest)) {
            return;
        }
        if (localInterest.put(channel, nanoTime.getAsLong()) == null) {
            consumers.put(channel, vertx.eventBus().<Buffer>consumer(EVENTS_ADDRESS + channel.value(), this::pushedHere));
            announce(Set.of(channel));
        }
    }

    /**
     * The region's owner of {@code channel}, to fill a miss from before the origin is asked; none
     * when this node owns it, or the request comes from a peer already.
     */
    public Optional<URI> peerToFill(ChannelName channel, boolean fromPeer) {
        if (fromPeer) {
            return Optional.empty();
        }
        return ownership.ownerOf(channel)
                .filter(owner -> !owner.equals(ownership.self()))
                .flatMap(directory::urlOf);
    }

    /** Once a second: forget what no one watches, tell the owners what is watched, follow what this node owns. */
    public void tick() {
        long now = nanoTime.getAsLong();
        Iterator<Map.Entry<ChannelName, Long>> it = localInterest.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ChannelName, Long> entry = it.next();
            if (now - entry.getValue() > interestTimeout.toNanos()) {
                it.remove();
                MessageConsumer<Buffer> consumer = consumers.remove(entry.getKey());
                if (consumer != null) {
                    consumer.unregister();
                }
                pushed.forget(entry.getKey());
            }
        }
        regionInterest.values().removeIf(last -> now - last > interestTimeout.toNanos());
        announce(localInterest.keySet());
        pushed.dropStale();
        follow();
    }

    /** Tells each owner which of its channels this node watches; a channel owned here is noted directly. */
    private void announce(Set<ChannelName> channels) {
        Map<String, List<ChannelName>> byOwner = new HashMap<>();
        for (ChannelName channel : channels) {
            ownership.ownerOf(channel).ifPresent(owner -> byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(channel));
        }
        byOwner.forEach((owner, owned) -> {
            if (owner.equals(ownership.self())) {
                owned.forEach(this::watchedInRegion);
            } else {
                vertx.eventBus().send(WATCH_ADDRESS + owner,
                        new JsonArray(owned.stream().map(ChannelName::value).toList()).encode());
            }
        });
    }

    private void watched(String message) {
        try {
            JsonArray channels = new JsonArray(message);
            for (int i = 0; i < Math.min(channels.size(), EventCodec.MAX_CHANNELS); i++) {
                watchedInRegion(ChannelName.of(channels.getString(i)));
            }
        } catch (RuntimeException e) {
            log.warn("ignored watch message from a region peer: {}", e.getMessage());
        }
    }

    private void watchedInRegion(ChannelName channel) {
        if (!regionInterest.containsKey(channel) && full(regionInterest)) {
            return;
        }
        if (regionInterest.put(channel, nanoTime.getAsLong()) == null) {
            follow();
        }
    }

    /** Whether no more channels can be followed: the next ones are pulled, and this is logged once until there is room. */
    private boolean full(Map<ChannelName, Long> interest) {
        boolean full = interest.size() >= MAX_FOLLOWED;
        if (!full) {
            warnedFull.remove(interest);
        } else if (warnedFull.add(interest)) {
            log.warn("following {} channels, the most one node does: further channels are served by pulling from upstream",
                    MAX_FOLLOWED);
        }
        return full;
    }

    /** Subscribes to the origin for exactly the watched channels this node owns now. */
    private void follow() {
        originEvents.follow(regionInterest.keySet().stream().filter(ownership::ownedHere).collect(Collectors.toSet()));
    }

    private void fromOrigin(Buffer event) {
        ChannelName channel;
        try {
            channel = EventCodec.channelOf(event);
        } catch (IllegalArgumentException e) {
            log.warn("malformed event from origin {}: {}", origins.current(), e.getMessage());
            return;
        }
        if (!ownership.ownedHere(channel) || !originEvents.follows(channel)) {
            // Ownership moved since the subscription: the new owner relays it now.
            follow();
            return;
        }
        vertx.eventBus().publish(EVENTS_ADDRESS + channel.value(), event);
    }

    private void pushedHere(io.vertx.core.eventbus.Message<Buffer> message) {
        try {
            pushed.apply(EventCodec.decode(message.body()));
        } catch (IllegalArgumentException e) {
            log.warn("malformed event from the region: {}", e.getMessage());
        }
    }

    public void close() {
        originEvents.close();
        if (watchConsumer != null) {
            watchConsumer.unregister();
        }
        consumers.values().forEach(MessageConsumer::unregister);
    }
}
