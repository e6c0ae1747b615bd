package dev.vcdn.origin.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventHubTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSubscriberAskingForTooManyChannelsKeepsTheOnesItFollows() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EventHub hub = new EventHub(metrics, channel -> false);
        ChannelName watched = ChannelName.of("alice");
        HttpServer server = vertx.createHttpServer().webSocketHandler(socket -> hub.attach(socket, false));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        WebSocketClient client = vertx.createWebSocketClient();
        CompletableFuture<OriginEvent> received = new CompletableFuture<>();
        AtomicBoolean closed = new AtomicBoolean();
        WebSocket socket = client.connect(port, "127.0.0.1", "/events").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        socket.binaryMessageHandler(message -> received.complete(EventCodec.decode(message)));
        socket.closeHandler(ignored -> closed.set(true));

        socket.writeTextMessage(EventCodec.encode(new OriginEvent.Subscription(List.of(watched), List.of())));
        for (int batch = 0; batch < 2; batch++) {
            List<ChannelName> many = new ArrayList<>();
            for (int i = 0; i < EventCodec.MAX_CHANNELS; i++) {
                many.add(ChannelName.of("made-up-" + batch + "-" + i));
            }
            socket.writeTextMessage(EventCodec.encode(new OriginEvent.Subscription(many, List.of())));
        }
        TimeUnit.MILLISECONDS.sleep(500);
        OriginEvent event = new OriginEvent.StreamStarted(watched, StreamId.random(), 2, 0.333);
        vertx.runOnContext(ignored -> hub.publish(event));

        assertThat(received.get(10, TimeUnit.SECONDS)).as("the channel it followed first is still pushed").isEqualTo(event);
        assertThat(closed).as("the connection is kept").isFalse();
        assertThat(metrics.get("vcdn.events.followed.channels").gauge().value()).as("followed, the rest refused")
                .isEqualTo(EventHub.MAX_SUBSCRIPTIONS);
    }

    @Test
    void privateChannelsEventsGoOnlyToSubscribersWithTheEdgeCredential() throws Exception {
        Set<ChannelName> privateChannels = ConcurrentHashMap.newKeySet();
        ChannelName secret = ChannelName.of("secret");
        ChannelName open = ChannelName.of("open");
        privateChannels.add(secret);
        EventHub hub = new EventHub(new SimpleMeterRegistry(), privateChannels::contains);
        HttpServer server = vertx.createHttpServer()
                .webSocketHandler(socket -> hub.attach(socket, socket.headers().get("X-Test-Trusted") != null));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        WebSocketClient client = vertx.createWebSocketClient();
        List<OriginEvent> toStranger = new CopyOnWriteArrayList<>();
        List<OriginEvent> toEdge = new CopyOnWriteArrayList<>();
        WebSocket stranger = client.connect(port, "127.0.0.1", "/events").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        WebSocket edge = client.connect(new io.vertx.core.http.WebSocketConnectOptions().setPort(port).setHost("127.0.0.1")
                .setURI("/events").addHeader("X-Test-Trusted", "1")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        stranger.binaryMessageHandler(message -> toStranger.add(EventCodec.decode(message)));
        edge.binaryMessageHandler(message -> toEdge.add(EventCodec.decode(message)));
        for (WebSocket socket : List.of(stranger, edge)) {
            socket.writeTextMessage(EventCodec.encode(new OriginEvent.Subscription(List.of(secret, open), List.of())));
        }
        TimeUnit.MILLISECONDS.sleep(500);
        OriginEvent secretEvent = new OriginEvent.StreamStarted(secret, StreamId.random(), 2, 0.333);
        OriginEvent openEvent = new OriginEvent.StreamStarted(open, StreamId.random(), 2, 0.333);
        vertx.runOnContext(ignored -> {
            hub.publish(secretEvent);
            hub.publish(openEvent);
        });
        TimeUnit.MILLISECONDS.sleep(500);
        assertThat(toEdge).containsExactly(secretEvent, openEvent);
        assertThat(toStranger).as("no private event without the credential").containsExactly(openEvent);

        privateChannels.add(open);
        OriginEvent afterTurningPrivate = new OriginEvent.StreamStarted(open, StreamId.random(), 2, 0.333);
        vertx.runOnContext(ignored -> hub.publish(afterTurningPrivate));
        TimeUnit.MILLISECONDS.sleep(500);
        assertThat(toEdge).endsWith(afterTurningPrivate);
        assertThat(toStranger).as("a channel that turned private stops").containsExactly(openEvent);
    }
}
