package dev.vcdn.origin.cluster;

import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of channels another origin holds: one WebSocket per holder node, subscribed to the
 * channels local edges follow, whose messages are passed on unchanged. A followed channel that
 * is not live anywhere yet is looked for again every few seconds, so edges waiting on it get its
 * events whichever origin it goes live on; so is one whose holder's connection was lost (the
 * holder died), and every followed channel's holder is checked as often, so that a broadcast
 * that went on at another origin (its publisher came back there) is followed there.
 * Event-loop owned.
 */
public final class HolderEvents {

    private static final Logger log = LoggerFactory.getLogger(HolderEvents.class);

    private final WebSocketClient client;
    private final ChannelLocator locator;
    private final Supplier<String> self;
    private final BiConsumer<ChannelName, Buffer> deliver;
    private final EdgeCredential credential;
    private final Map<String, Future<WebSocket>> byNode = new HashMap<>();
    private final Map<ChannelName, String> nodeOfChannel = new HashMap<>();
    /** Followed here, live nowhere yet: looked for again by {@link #lookAgain()}. */
    private final Set<ChannelName> awaited = new HashSet<>();

    /**
     * @param deliver    hands a relayed, still encoded event to the local subscribers of its channel
     * @param credential what the other origins' event streams ask for (the edge token)
     */
    public HolderEvents(WebSocketClient client, ChannelLocator locator, Supplier<String> self,
                        BiConsumer<ChannelName, Buffer> deliver, EdgeCredential credential) {
        this.client = client;
        this.locator = locator;
        this.self = self;
        this.deliver = deliver;
        this.credential = credential;
    }

    /** Starts following {@code channel} at its holder, if another origin holds it. */
    public void follow(ChannelName channel) {
        if (nodeOfChannel.containsKey(channel)) {
            return;
        }
        locator.locate(channel).onSuccess(location -> {
            Optional<String> holder = location.node();
            if (holder.isEmpty()) {
                awaited.add(channel);
                return;
            }
            awaited.remove(channel);
            // Held here: the local packages publish its events themselves.
            if (!holder.get().equals(self.get()) && !nodeOfChannel.containsKey(channel)) {
                nodeOfChannel.put(channel, holder.get());
                connection(holder.get()).onSuccess(socket -> socket.writeTextMessage(
                        EventCodec.encode(new OriginEvent.Subscription(List.of(channel), List.of()))));
            }
        });
    }

    /**
     * Looks again for the followed channels that were not live anywhere, and checks that the
     * others are still held where they are followed; call every few seconds.
     */
    public void lookAgain() {
        new ArrayList<>(awaited).forEach(this::follow);
        // Only to another origin that packages it now: while none does, the one followed may still
        // end the broadcast (its close, if it died, puts the channel back to be looked for).
        new HashMap<>(nodeOfChannel).forEach((channel, node) -> locator.locate(channel).onSuccess(location -> {
            Optional<String> holder = location.node();
            if (node.equals(nodeOfChannel.get(channel)) && holder.isPresent() && !holder.get().equals(node)) {
                log.info("events of {} followed elsewhere: packaged by {} now, not {}", channel, holder.get(), node);
                unfollow(channel);
                follow(channel);
            }
        }));
    }

    /** No local subscriber follows {@code channel} any more. */
    public void unfollow(ChannelName channel) {
        awaited.remove(channel);
        String node = nodeOfChannel.remove(channel);
        if (node != null) {
            Optional.ofNullable(byNode.get(node)).ifPresent(connection -> connection.onSuccess(socket -> socket.writeTextMessage(
                    EventCodec.encode(new OriginEvent.Subscription(List.of(), List.of(channel))))));
        }
    }

    private Future<WebSocket> connection(String node) {
        return byNode.computeIfAbsent(node, n -> {
            java.net.URI uri = java.net.URI.create(n);
            boolean tls = "https".equals(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(port).setSsl(tls)
                    .setURI("/events").addHeader(HolderProxy.RELAYED, "1");
            credential.addTo(options);
            return client.connect(options).onSuccess(socket -> {
                socket.binaryMessageHandler(message -> {
                    try {
                        deliver.accept(EventCodec.decode(message).channel(), message);
                    } catch (IllegalArgumentException e) {
                        log.warn("malformed event from origin {}: {}", n, e.getMessage());
                    }
                });
                socket.closeHandler(ignored -> forget(n));
            }).onFailure(error -> {
                log.warn("events of origin {} unreachable: {}", n, error.getMessage());
                forget(n);
            });
        });
    }

    /** The connection to {@code node} is gone: its channels are looked for again (their broadcasts may go on elsewhere). */
    private void forget(String node) {
        byNode.remove(node);
        nodeOfChannel.entrySet().removeIf(followed -> {
            if (followed.getValue().equals(node)) {
                awaited.add(followed.getKey());
                return true;
            }
            return false;
        });
    }
}
