package dev.vcdn.origin.serve;

import dev.vcdn.origin.cluster.HolderEvents;
import dev.vcdn.origin.cluster.HolderProxy;
import dev.vcdn.origin.packager.PackageEvents;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /events} WebSocket: edges subscribe to channels and get every event of them as it
 * happens, parts with their bytes. A subscriber that cannot keep up (its write queue is full)
 * is disconnected rather than buffered for; it reconnects and catches up over HTTP. A private
 * channel's events go only to subscribers that presented the edge credential: without it a
 * subscription to one is refused, and one that turns private stops being sent. Event-loop
 * owned, like the packages it reports on.
 */
public final class EventHub implements PackageEvents {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    /** Channels one connection may follow. */
    static final int MAX_SUBSCRIPTIONS = EventCodec.MAX_CHANNELS;

    private final Map<ChannelName, Set<ServerWebSocket>> subscribers = new HashMap<>();
    private final Map<ServerWebSocket, Set<ChannelName>> subscriptions = new HashMap<>();
    /** Subscribers that presented the edge credential: the only ones private channels' events go to. */
    private final Set<ServerWebSocket> trusted = new HashSet<>();
    private final Predicate<ChannelName> isPrivate;
    private final Counter slowSubscribers;
    private final Counter eventsSent;
    private Function<ChannelName, List<OriginEvent>> snapshot = channel -> List.of();
    private HolderEvents holders;

    /** @param isPrivate whether a channel is private now */
    public EventHub(MeterRegistry metrics, Predicate<ChannelName> isPrivate) {
        this.isPrivate = isPrivate;
        this.slowSubscribers = Counter.builder("vcdn.events.slow.subscribers")
                .description("Event subscribers cut off because they fell behind").register(metrics);
        this.eventsSent = Counter.builder("vcdn.events.sent")
                .description("Events written to subscribers").register(metrics);
        // Read by the scrape on another thread: a size read of a map the event loop changes, which is only ever stale.
        Gauge.builder("vcdn.events.followed.channels", subscribers, Map::size)
                .description("Channels at least one event subscriber follows").register(metrics);
    }

    /** Where events of channels other origins hold come from. */
    public void relayFrom(HolderEvents holderEvents) {
        this.holders = holderEvents;
    }

    /** What a new subscriber of a live channel gets first (stream-started and the renditions' init). */
    public void snapshotFrom(Function<ChannelName, List<OriginEvent>> snapshot) {
        this.snapshot = snapshot;
    }

    /** @param trustedSocket whether it presented the edge credential (private channels' events go only to such) */
    public void attach(ServerWebSocket socket, boolean trustedSocket) {
        subscriptions.put(socket, new HashSet<>());
        if (trustedSocket) {
            trusted.add(socket);
        }
        socket.textMessageHandler(text -> onSubscription(socket, text));
        socket.binaryMessageHandler(ignored -> socket.close((short) 1003, "send subscriptions as text"));
        socket.closeHandler(ignored -> detach(socket));
        socket.exceptionHandler(error -> socket.close());
    }

    private void onSubscription(ServerWebSocket socket, String text) {
        OriginEvent.Subscription subscription;
        try {
            subscription = EventCodec.decodeSubscription(text);
        } catch (IllegalArgumentException e) {
            log.info("events subscriber closed: remote={} reason={}", socket.remoteAddress(), e.getMessage());
            socket.close((short) 1007, "bad subscription");
            return;
        }
        Set<ChannelName> mine = subscriptions.get(socket);
        if (mine == null) {
            return;
        }
        subscription.unsubscribe().forEach(channel -> {
            mine.remove(channel);
            Set<ServerWebSocket> set = subscribers.get(channel);
            if (set != null && set.remove(socket) && set.isEmpty()) {
                subscribers.remove(channel);
                if (holders != null) {
                    holders.unfollow(channel);
                }
            }
        });
        int refused = 0;
        for (ChannelName channel : subscription.subscribe()) {
            if (isPrivate.test(channel) && !trusted.contains(socket)) {
                log.info("events subscription refused: remote={} channel={} reason=private channel, no edge credential",
                        socket.remoteAddress(), channel);
                continue;
            }
            if (mine.size() >= MAX_SUBSCRIPTIONS && !mine.contains(channel)) {
                refused++; // the connection is kept: the channels it follows already go on being pushed
                continue;
            }
            if (mine.add(channel)) {
                subscribers.computeIfAbsent(channel, c -> new HashSet<>()).add(socket);
                List<OriginEvent> current = snapshot.apply(channel);
                current.forEach(event -> send(socket, EventCodec.encode(event)));
                boolean relayedHere = socket.headers().get(HolderProxy.RELAYED) != null;
                if (current.isEmpty() && holders != null && !relayedHere) {
                    holders.follow(channel);
                }
            }
        }
        if (refused > 0) {
            log.warn("events subscriber at its {} channels: remote={} refused={} more", MAX_SUBSCRIPTIONS,
                    socket.remoteAddress(), refused);
        }
    }

    /** Whether any subscriber follows {@code channel}: events that cost work to make are made only then. */
    @Override
    public boolean followed(ChannelName channel) {
        Set<ServerWebSocket> following = subscribers.get(channel);
        return following != null && !following.isEmpty();
    }

    /** The local broadcast of {@code channel} went on at another origin: its followers here get its events from there. */
    @Override
    public void handedOver(ChannelName channel) {
        Set<ServerWebSocket> following = subscribers.getOrDefault(channel, Set.of());
        // Another origin relaying from here finds the new holder itself.
        boolean followedByEdges = following.stream().anyMatch(socket -> socket.headers().get(HolderProxy.RELAYED) == null);
        if (followedByEdges && holders != null) {
            holders.follow(channel);
        }
    }

    /** Sends {@code event} to everyone following its channel. */
    @Override
    public void publish(OriginEvent event) {
        Set<ServerWebSocket> following = subscribers.get(event.channel());
        if (following != null && !following.isEmpty()) {
            deliver(event.channel(), EventCodec.encode(event));
        }
    }

    /** Sends an encoded event (made here, or relayed from the holder) to the followers of {@code channel}. */
    public void deliver(ChannelName channel, Buffer encoded) {
        Set<ServerWebSocket> following = subscribers.get(channel);
        if (following == null) {
            return;
        }
        boolean privateChannel = isPrivate.test(channel);
        for (ServerWebSocket socket : new ArrayList<>(following)) {
            if (!privateChannel || trusted.contains(socket)) {
                send(socket, encoded);
            }
        }
    }

    private void send(ServerWebSocket socket, Buffer encoded) {
        if (socket.isClosed()) {
            // Closed under us (the close handler runs after this event): nothing to send to.
            detach(socket);
            return;
        }
        if (socket.writeQueueFull()) {
            slowSubscribers.increment();
            log.warn("events subscriber cut off: remote={} reason=fell behind", socket.remoteAddress());
            detach(socket);
            socket.close((short) 1008, "too slow");
            return;
        }
        socket.writeBinaryMessage(encoded);
        eventsSent.increment();
    }

    private void detach(ServerWebSocket socket) {
        trusted.remove(socket);
        Set<ChannelName> mine = subscriptions.remove(socket);
        if (mine != null) {
            mine.forEach(channel -> {
                Set<ServerWebSocket> set = subscribers.get(channel);
                if (set != null) {
                    set.remove(socket);
                    if (set.isEmpty()) {
                        subscribers.remove(channel);
                        if (holders != null) {
                            holders.unfollow(channel);
                        }
                    }
                }
            });
        }
    }
}
