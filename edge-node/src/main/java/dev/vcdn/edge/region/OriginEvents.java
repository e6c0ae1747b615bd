package dev.vcdn.edge.region;

import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent.Subscription;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's WebSocket to the origin's {@code /events}, open while it owns a watched channel:
 * it keeps the origin subscribed to exactly the wanted channels, reconnects with backoff when the
 * connection drops (the origin cuts a subscriber that falls behind) and hands every event on
 * still encoded. Event-loop owned.
 */
final class OriginEvents {

    private static final Logger log = LoggerFactory.getLogger(OriginEvents.class);
    /** A part of a high rung is a few hundred KB; the client's default limit is 256 KB. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final long MIN_BACKOFF_MILLIS = 250;
    static final long MAX_BACKOFF_MILLIS = 5_000;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final URI origin;
    private final Consumer<Buffer> onEvent;
    private final Set<ChannelName> wanted = new HashSet<>();
    private final Set<ChannelName> subscribed = new HashSet<>();
    private WebSocket socket;
    private boolean connecting;
    private boolean closed;
    private long backoffMillis = MIN_BACKOFF_MILLIS;

    OriginEvents(Vertx vertx, URI origin, Consumer<Buffer> onEvent) {
        this.vertx = vertx;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setMaxFrameSize(MAX_MESSAGE_BYTES));
        this.origin = origin;
        this.onEvent = onEvent;
    }

    /** Follows exactly these channels from now on. */
    void follow(Set<ChannelName> channels) {
        wanted.clear();
        wanted.addAll(channels);
        if (wanted.isEmpty() && socket != null) {
            // Nothing owned here any more: the origin need not keep a connection for this node.
            WebSocket idle = socket;
            socket = null;
            subscribed.clear();
            idle.close();
            return;
        }
        if (socket != null) {
            sendDifference();
        } else if (!wanted.isEmpty() && !connecting && !closed) {
            connect();
        }
    }

    boolean follows(ChannelName channel) {
        return subscribed.contains(channel);
    }

    private void connect() {
        connecting = true;
        int port = origin.getPort() > 0 ? origin.getPort() : ("https".equals(origin.getScheme()) ? 443 : 80);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(origin.getHost()).setPort(port)
                .setSsl("https".equals(origin.getScheme())).setURI("/events");
        client.connect(options).onComplete(done -> {
            connecting = false;
            if (done.failed()) {
                log.warn("origin events unreachable: origin={} reason={} retry_ms={}", origin, done.cause().getMessage(),
                        backoffMillis);
                retryLater();
                return;
            }
            WebSocket opened = done.result();
            if (closed) {
                opened.close();
                return;
            }
            backoffMillis = MIN_BACKOFF_MILLIS;
            socket = opened;
            subscribed.clear();
            opened.binaryMessageHandler(onEvent::accept);
            opened.closeHandler(ignored -> lost(opened));
            opened.exceptionHandler(error -> opened.close());
            sendDifference();
        });
    }

    private void lost(WebSocket which) {
        if (socket != which) {
            return;
        }
        socket = null;
        subscribed.clear();
        if (!closed && !wanted.isEmpty()) {
            log.info("origin events connection lost: origin={} reconnect_ms={}", origin, backoffMillis);
            retryLater();
        }
    }

    private void retryLater() {
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        vertx.setTimer(delay, id -> {
            if (socket == null && !connecting && !closed && !wanted.isEmpty()) {
                connect();
            }
        });
    }

    private void sendDifference() {
        List<ChannelName> subscribe = new ArrayList<>();
        List<ChannelName> unsubscribe = new ArrayList<>();
        wanted.stream().filter(c -> !subscribed.contains(c)).forEach(subscribe::add);
        subscribed.stream().filter(c -> !wanted.contains(c)).forEach(unsubscribe::add);
        if (subscribe.isEmpty() && unsubscribe.isEmpty()) {
            return;
        }
        for (int from = 0; from < Math.max(subscribe.size(), unsubscribe.size()); from += EventCodec.MAX_CHANNELS) {
            socket.writeTextMessage(EventCodec.encode(new Subscription(slice(subscribe, from), slice(unsubscribe, from))));
        }
        subscribed.addAll(subscribe);
        unsubscribe.forEach(subscribed::remove);
    }

    private static List<ChannelName> slice(List<ChannelName> all, int from) {
        return all.subList(Math.min(from, all.size()), Math.min(from + EventCodec.MAX_CHANNELS, all.size()));
    }

    void close() {
        closed = true;
        if (socket != null) {
            socket.close();
        }
    }
}
