package dev.vcdn.edge;

import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/** The edge's root: the viewer-facing HTTP server with the player pages from the player jar. */
public final class EdgeVerticle extends ProcessVerticle {

    /** Class-path folder of the player module's pages. */
    static final String PLAYER_ROOT = "vcdn-player";

    private final EdgeConfig config;
    private final ProcessContext process;

    public EdgeVerticle(EdgeConfig config, ProcessContext process) {
        this.config = config;
        this.process = process;
    }

    @Override
    public Future<?> start() {
        Router router = OperationsRoutes.router(vertx, process);
        router.get("/*").handler(StaticHandler.create(PLAYER_ROOT).setCachingEnabled(true).setMaxAgeSeconds(300));
        return listenHttp(config.http(), router);
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(httpEndpoint());
    }
}
