package dev.vcdn.origin.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.process.Clustering;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import dev.vcdn.shared.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two origins in one Hazelcast cluster (TCP-IP on 127.0.0.1, a random cluster name) share one registry. */
@ExtendWith(VertxExtension.class)
class ClusteredStreamRegistryTest extends StreamRegistryContract {

    private Vertx a;
    private Vertx b;

    @BeforeEach
    void startTwoMembers(VertxTestContext test) {
        String name = "registry-" + UUID.randomUUID();
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        member(name, portA, portB).compose(first -> {
            a = first;
            return member(name, portB, portA);
        }).onComplete(test.succeeding(second -> {
            b = second;
            test.completeNow();
        }));
    }

    private static Future<Vertx> member(String name, int port, int peer) {
        ClusterConfig cluster = new ClusterConfig(name, "127.0.0.1", port, List.of("127.0.0.1:" + peer),
                Duration.ofSeconds(1), Duration.ofSeconds(5), java.util.Optional.empty());
        return Vertx.builder()
                .withClusterManager(new HazelcastClusterManager(Clustering.hazelcastConfig(cluster)))
                .buildClustered();
    }

    @AfterEach
    void stop(VertxTestContext test) {
        Future.join(b == null ? Future.succeededFuture() : b.close(), a == null ? Future.succeededFuture() : a.close())
                .onComplete(test.succeedingThenComplete());
    }

    @Test
    void aStreamOfAnOriginThatLeftTheClusterIsTakenOverAtOnce() throws Exception {
        ChannelName dave = ChannelName.of("dave");
        StreamId onA = StreamId.random();
        await(nodeB().claim(target("dave", StreamId.random(), "b")));
        await(b.close()); // its entry still has a minute to live
        b = null;
        io.vertx.core.json.JsonObject entryOfB = await(a.sharedData()
                .<String, io.vertx.core.json.JsonObject>getAsyncMap(StreamRegistry.MAP_NAME).compose(map -> map.get("dave")));
        assertThat(entryOfB).as("B's entry, still in the map").isNotNull();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (await(nodeA().holder(dave)).isPresent()) {
            assertThat(System.nanoTime()).as("B's leaving known to A within 20 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        await(nodeA().claim(target("dave", onA, "a")));
        assertThat(await(nodeA().holder(dave))).as("the publisher went live again on the origin that is left").get()
                .extracting(StreamTarget::streamId).isEqualTo(onA);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    Vertx vertxA() {
        return a;
    }

    @Override
    Vertx vertxB() {
        return b;
    }
}
