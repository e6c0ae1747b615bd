package dev.vcdn.origin;

import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;

/** The origin's root: its HTTP server now; ingest listeners and the media pipeline deploy from here. */
public final class OriginVerticle extends ProcessVerticle {

    private final OriginConfig config;
    private final ProcessContext process;

    public OriginVerticle(OriginConfig config, ProcessContext process) {
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
