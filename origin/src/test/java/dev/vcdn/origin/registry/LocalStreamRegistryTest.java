package dev.vcdn.origin.registry;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry of a single, unclustered origin. */
@ExtendWith(VertxExtension.class)
class LocalStreamRegistryTest extends StreamRegistryContract {

    private Vertx vertx;

    @BeforeEach
    void keep(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    Vertx vertxA() {
        return vertx;
    }

    @Override
    Vertx vertxB() {
        return vertx;
    }
}
