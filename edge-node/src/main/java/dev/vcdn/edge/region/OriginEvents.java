package dev.vcdn.edge.region;

import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent.Subscription;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import dev.vcdn.edge.upstream.Origins;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's WebSocket to the origin's {@code /events}, open while it owns a watched channel:
 * it keeps the origin subscribed to exactly the wanted channels, reconnects with backoff when the
 * connection drops (the origin cuts a subscriber that falls behind) and hands every event on
 * still encoded. It pings the origin every {@link #PING_INTERVAL}; a connection that has carried
 * nothing, not even a pong, for {@link #SILENCE_TIMEOUT} is given up and opened again: an origin
 * host that vanished without closing its sockets would otherwise leave the region without pushes
 * until TCP gives up, many minutes later. Event-loop owned.
 */
final class OriginEvents {

    private static final Logger log = LoggerFactory.getLogger(OriginEvents.class);
    /** A part of a high rung is a few hundred KB; the client's default limit is 256 KB. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    static final long MIN_BACKOFF_MILLIS = 250;
    static final long MAX_BACKOFF_MILLIS = 5_000;
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    static final Duration SILENCE_TIMEOUT = Duration.ofSeconds(4);

    private final Vertx vertx;
    private final WebSocketClient client;
    private final Origins origins;
    private final Consumer<Buffer> onEvent;
    private final Duration pingInterval;
    private final Duration silenceTimeout;
    private final LongSupplier nanoTime;
    private final Set<ChannelName> wanted = new HashSet<>();
    private final Set<ChannelName> subscribed = new HashSet<>();
    private WebSocket socket;
    /** The origin of the connection open or being opened. */
    private URI origin;
    private boolean connecting;
    private boolean closed;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long lastHeardNanos;
    private long pingTimer = -1;
    private final EdgeCredential credential;

    OriginEvents(Vertx vertx, Origins origins, ClientTlsConfig trust, EdgeCredential credential, Consumer<Buffer> onEvent) {
        this(vertx, origins, trust, credential, onEvent, PING_INTERVAL, SILENCE_TIMEOUT, System::nanoTime);
    }

    OriginEvents(Vertx vertx, Origins origins, ClientTlsConfig trust, EdgeCredential credential, Consumer<Buffer> onEvent,
                 Duration pingInterval, Duration silenceTimeout, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.credential = credential;
        this.client = vertx.createWebSocketClient(trust.apply(new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setMaxFrameSize(MAX_MESSAGE_BYTES)));
        this.origins = origins;
        this.onEvent = onEvent;
        this.pingInterval = pingInterval;
        this.silenceTimeout = silenceTimeout;
        this.nanoTime = nanoTime;
    }

    /** Follows exactly these channels from now on. */
    void follow(Set<ChannelName> channels) {
        wanted.clear();
        wanted.addAll(channels);
        if (wanted.isEmpty() && socket != null) {
            // Nothing owned here any more: the origin need not keep a connection for this node.
            WebSocket idle = socket;
            forget();
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
        URI target = origins.current();
        origin = target;
        int port = target.getPort() > 0 ? target.getPort() : ("https".equals(target.getScheme()) ? 443 : 80);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost()).setPort(port)
                .setSsl("https".equals(target.getScheme())).setURI("/events");
        credential.addTo(options);
        client.connect(options).onComplete(done -> {
            connecting = false;
            if (done.failed()) {
                log.warn("origin events unreachable: origin={} reason={} retry_ms={}", target, done.cause().getMessage(),
                        backoffMillis);
                origins.failed(target, "events unreachable");
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
            lastHeardNanos = nanoTime.getAsLong();
            opened.binaryMessageHandler(event -> {
                lastHeardNanos = nanoTime.getAsLong();
                onEvent.accept(event);
            });
            opened.pongHandler(pong -> lastHeardNanos = nanoTime.getAsLong());
            opened.closeHandler(ignored -> lost(opened, "closed"));
            opened.exceptionHandler(error -> opened.close());
            pingTimer = vertx.setPeriodic(pingInterval.toMillis(), id -> checkAlive(opened));
            sendDifference();
        });
    }

    /** Pings the origin, or gives the connection up when it has been silent too long. */
    private void checkAlive(WebSocket which) {
        if (socket != which) {
            return;
        }
        long silentNanos = nanoTime.getAsLong() - lastHeardNanos;
        if (silentNanos > silenceTimeout.toNanos()) {
            // Not waiting for a close handshake the far end may never answer: reconnect now, to
            // the next origin when there are several (this one's host may be gone).
            String reason = "silent for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms";
            origins.failed(origin, "events " + reason);
            lost(which, reason);
            which.close();
            return;
        }
        which.writePing(Buffer.buffer());
    }

    private void lost(WebSocket which, String reason) {
        if (socket != which) {
            return;
        }
        forget();
        if (!closed && !wanted.isEmpty()) {
            log.info("origin events connection lost: origin={} reason={} reconnect_ms={}", origin, reason, backoffMillis);
            retryLater();
        }
    }

    /** The current connection no longer counts: no subscriptions on it, no pings. */
    private void forget() {
        socket = null;
        subscribed.clear();
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
            pingTimer = -1;
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
            WebSocket open = socket;
            forget();
            open.close();
        }
    }
}
