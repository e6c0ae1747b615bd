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
import java.util.concurrent.CompletableFuture;
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
        EventHub hub = new EventHub(metrics);
        ChannelName watched = ChannelName.of("alice");
        HttpServer server = vertx.createHttpServer().webSocketHandler(hub::attach);
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
}
