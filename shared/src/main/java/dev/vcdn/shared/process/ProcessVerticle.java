package dev.vcdn.shared.process;

import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.http.HttpServers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;

/** The root verticle of a process: it deploys the process's servers and says where they listen. */
public abstract class ProcessVerticle extends VerticleBase {

    private HttpServer httpServer;
    private String httpHost;

    /** The sockets bound by {@link #start()}; asked once start has completed. */
    public abstract List<Endpoint> endpoints();

    /** Serves {@code router} with the common server options; the server closes with the verticle. */
    protected final Future<HttpServer> listenHttp(HttpServerConfig config, Router router) {
        httpHost = config.host();
        return vertx.createHttpServer(HttpServers.options(config))
                .requestHandler(router)
                .listen()
                .onSuccess(server -> httpServer = server);
    }

    protected final Endpoint httpEndpoint() {
        if (httpServer == null) {
            throw new IllegalStateException("HTTP server not started");
        }
        return new Endpoint("http", httpHost, httpServer.actualPort());
    }
}
