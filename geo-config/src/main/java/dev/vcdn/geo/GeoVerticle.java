package dev.vcdn.geo;

import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/** geo-config's root: the HTTP server of the director and the operations endpoints. */
public final class GeoVerticle extends ProcessVerticle {

    private final GeoConfig config;
    private final ProcessContext process;

    public GeoVerticle(GeoConfig config, ProcessContext process) {
        this.config = config;
        this.process = process;
    }

    @Override
    public Future<?> start() {
        Router router = OperationsRoutes.router(vertx, process);
        return listenHttp(config.http(), router);
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(httpEndpoint());
    }
}
