package dev.vcdn.edge.region;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import dev.vcdn.edge.upstream.Origins;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The edge's connection to the origin's events notices an origin that went silent without closing it. */
@ExtendWith(VertxExtension.class)
class OriginEventsTest {

    private static final Duration PING = Duration.ofMillis(200);
    private static final Duration SILENCE = Duration.ofSeconds(1);

    /** Subscriptions received, one list per WebSocket connection, in order. */
    private final List<List<OriginEvent.Subscription>> connections = new CopyOnWriteArrayList<>();

    private Future<HttpServer> origin(Vertx vertx) {
        return origin(vertx, connections);
    }

    /** An origin's events endpoint that keeps the subscriptions of each connection in {@code connections}. */
    private static Future<HttpServer> origin(Vertx vertx, List<List<OriginEvent.Subscription>> connections) {
        return vertx.createHttpServer().webSocketHandler(socket -> {
            List<OriginEvent.Subscription> subscriptions = new CopyOnWriteArrayList<>();
            connections.add(subscriptions);
            socket.textMessageHandler(text -> subscriptions.add(EventCodec.decodeSubscription(text)));
        }).listen(0, "127.0.0.1");
    }

    /**
     * A TCP relay whose existing connections can be frozen: nothing passes either way any more,
     * yet neither side is closed, as when a host dies or a network path drops packets silently.
     * New connections pass.
     */
    private static final class FreezingProxy {
        final List<NetSocket[]> pairs = new ArrayList<>();
        NetServer server;

        Future<Integer> start(Vertx vertx, int target) {
            server = vertx.createNetServer().connectHandler(inbound -> {
                inbound.pause();
                vertx.createNetClient().connect(target, "127.0.0.1").onSuccess(outbound -> {
                    pairs.add(new NetSocket[] {inbound, outbound});
                    inbound.handler(outbound::write);
                    outbound.handler(inbound::write);
                    inbound.closeHandler(ignored -> outbound.close());
                    outbound.closeHandler(ignored -> inbound.close());
                    inbound.resume();
                }).onFailure(error -> inbound.close());
            });
            return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
        }

        void freeze() {
            for (NetSocket[] pair : pairs) {
                pair[0].handler(ignored -> {
                });
                pair[1].handler(ignored -> {
                });
            }
        }
    }

    private static URI local(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static boolean subscribedToAlice(List<OriginEvent.Subscription> subscriptions) {
        return subscriptions.stream().anyMatch(s -> s.subscribe().contains(ChannelName.of("alice")));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void aSilentOriginIsGivenUpAndTheChannelsAreFollowedAgainOnANewConnection(Vertx vertx, VertxTestContext test) {
        FreezingProxy proxy = new FreezingProxy();
        origin(vertx).compose(server -> proxy.start(vertx, server.actualPort())).onComplete(test.succeeding(port -> {
            OriginEvents events = new OriginEvents(vertx, new Origins(List.of(local(port))), ClientTlsConfig.JDK_DEFAULTS, EdgeCredential.NONE,
                    event -> {
            }, PING, SILENCE, System::nanoTime);
            events.follow(Set.of(ChannelName.of("alice")));
            vertx.setTimer(3_000, quiet -> test.verify(() -> {
                assertThat(connections).as("pongs keep a quiet connection open").hasSize(1);
                assertThat(subscribedToAlice(connections.get(0))).isTrue();
                long frozenAt = System.nanoTime();
                proxy.freeze();
                vertx.setPeriodic(100, check -> {
                    if (connections.size() >= 2 && subscribedToAlice(connections.get(1))) {
                        vertx.cancelTimer(check);
                        test.verify(() -> {
                            assertThat(System.nanoTime() - frozenAt).as("reconnected within a few seconds")
                                    .isLessThan(TimeUnit.SECONDS.toNanos(4));
                            events.close();
                            test.completeNow();
                        });
                    }
                });
            }));
        }));
    }

    @Test
    @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
    void anOriginThatFallsSilentIsGivenUpForTheNextOne(Vertx vertx, VertxTestContext test) {
        FreezingProxy proxy = new FreezingProxy();
        List<List<OriginEvent.Subscription>> atSecond = new CopyOnWriteArrayList<>();
        origin(vertx).compose(first -> proxy.start(vertx, first.actualPort()))
                .compose(firstPort -> origin(vertx, atSecond).map(second -> List.of(firstPort, second.actualPort())))
                .onComplete(test.succeeding(ports -> {
                    Origins origins = new Origins(List.of(local(ports.get(0)), local(ports.get(1))));
                    OriginEvents events = new OriginEvents(vertx, origins, ClientTlsConfig.JDK_DEFAULTS, EdgeCredential.NONE,
                    event -> {
                    }, PING, SILENCE, System::nanoTime);
                    events.follow(Set.of(ChannelName.of("alice")));
                    vertx.setTimer(1_500, following -> test.verify(() -> {
                        assertThat(connections).as("the first origin in use").hasSize(1);
                        assertThat(atSecond).isEmpty();
                        proxy.freeze(); // its host is gone: no answer, no close
                        vertx.setPeriodic(100, check -> {
                            if (!atSecond.isEmpty() && subscribedToAlice(atSecond.get(0))) {
                                vertx.cancelTimer(check);
                                test.verify(() -> {
                                    assertThat(origins.current()).as("the next origin in use from now on")
                                            .isEqualTo(local(ports.get(1)));
                                    assertThat(connections).as("the silent one not asked again").hasSize(1);
                                    events.close();
                                    test.completeNow();
                                });
                            }
                        });
                    }));
                }));
    }
}
