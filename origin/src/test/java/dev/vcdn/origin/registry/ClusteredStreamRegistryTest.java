package dev.vcdn.origin.registry;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.process.Clustering;
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

    @Override
    Vertx vertxA() {
        return a;
    }

    @Override
    Vertx vertxB() {
        return b;
    }
}
