package dev.vcdn.shared.process;

import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.http.ErrorRenderer;
import dev.vcdn.shared.http.HttpServers;
import dev.vcdn.shared.http.HttpsRedirect;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.http.TargetGuard;
import dev.vcdn.shared.tls.CertificateReloader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The root verticle of a process: it deploys the process's servers and says where they listen. */
public abstract class ProcessVerticle extends VerticleBase {

    private HttpServer httpServer;
    private HttpServerConfig httpConfig;
    private HttpServer redirectServer;
    private CertificateReloader certificates;

    /** The sockets bound by {@link #start()}; asked once start has completed. */
    public abstract List<Endpoint> endpoints();

    /**
     * Serves {@code router} with the common server options (HTTPS when configured, its certificate
     * renewed from its files, and the plain-HTTP redirect port when configured); the servers close
     * with the verticle.
     */
    protected final Future<HttpServer> listenHttp(HttpServerConfig config, Router router, ProcessContext process) {
        httpConfig = config;
        HttpServerOptions options = HttpServers.options(config);
        return vertx.createHttpServer(options)
                .requestHandler(router)
                .listen()
                .onSuccess(server -> {
                    httpServer = server;
                    certificates(config, process).ifPresent(reloader -> reloader.serve(server, options.getSslOptions()));
                })
                .compose(server -> listenRedirect(config, server.actualPort(), process).map(server));
    }

    /** The plain-HTTP port that sends clients to {@code httpsPort}, when the config has one. */
    protected final Future<Void> listenRedirect(HttpServerConfig config, int httpsPort, ProcessContext process) {
        if (config.redirectPort().isEmpty()) {
            return Future.succeededFuture();
        }
        Router router = Router.router(vertx);
        router.route().failureHandler(new ErrorRenderer());
        router.route().handler(new TargetGuard()); // only origin-form paths reach the Location header
        OperationsRoutes.mountHealth(router, process);
        router.route().handler(new HttpsRedirect(httpsPort));
        HttpServerOptions plain = HttpServers.options(new HttpServerConfig(config.host(), config.redirectPort().getAsInt()));
        return vertx.createHttpServer(plain).requestHandler(router).listen()
                .onSuccess(server -> redirectServer = server)
                .mapEmpty();
    }

    /**
     * The process's one certificate reloader, started at the first call when the config has TLS; its
     * timer is the verticle's, cancelled when the verticle is undeployed.
     */
    protected final Optional<CertificateReloader> certificates(HttpServerConfig config, ProcessContext process) {
        if (certificates == null && config.tls().isPresent()) {
            certificates = CertificateReloader.start(vertx, config.tls().get(), process.metrics());
        }
        return Optional.ofNullable(certificates);
    }

    /** Where {@link #listenHttp} listens: the HTTP port and, when there is one, the redirect port. */
    protected final List<Endpoint> httpEndpoints() {
        if (httpServer == null) {
            throw new IllegalStateException("HTTP server not started");
        }
        return httpEndpoints(httpConfig, httpServer.actualPort());
    }

    /** The HTTP endpoint and, when there is one, the redirect port's. */
    protected final List<Endpoint> httpEndpoints(HttpServerConfig config, int httpPort) {
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(new Endpoint("http", config.host(), httpPort));
        if (redirectServer != null) {
            endpoints.add(new Endpoint("http-redirect", config.host(), redirectServer.actualPort()));
        }
        return endpoints;
    }
}
