package dev.vcdn.origin.registry;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry of a single, unclustered origin. */
@ExtendWith(VertxExtension.class)
class LocalStreamRegistryTest extends StreamRegistryContract {

    private Vertx vertx;
    private StreamRegistry registry;

    @BeforeEach
    void create(Vertx vertx) {
        this.vertx = vertx;
        this.registry = new StreamRegistry(vertx, TTL);
    }

    @Override
    StreamRegistry nodeA() {
        return registry;
    }

    @Override
    StreamRegistry nodeB() {
        return registry;
    }

    @Override
    Vertx vertx() {
        return vertx;
    }
}
