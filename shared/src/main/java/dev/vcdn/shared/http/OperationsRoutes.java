package dev.vcdn.shared.http;

import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** {@code /health}, {@code /ready} and {@code /metrics}, the same on every process. */
public final class OperationsRoutes {

    private OperationsRoutes() {
    }

    /** A new router with the operations routes; the process adds its own. */
    public static Router router(Vertx vertx, ProcessContext process) {
        Router router = Router.router(vertx);
        router.route().failureHandler(new ErrorRenderer());
        mount(router, process);
        return router;
    }

    public static void mount(Router router, ProcessContext process) {
        mountHealth(router, process);
        router.get("/metrics").handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            ctx.next();
        }).handler(PrometheusScrapingHandler.create(process.metrics()));
    }

    /** {@code /health} and {@code /ready} alone: what a plain-HTTP port beside HTTPS still answers. */
    public static void mountHealth(Router router, ProcessContext process) {
        router.get("/health").handler(ctx -> json(ctx, 200,
                new JsonObject().put("status", "up").put("process", process.processName())));
        router.get("/ready").handler(ctx -> ready(ctx, process.readiness()));
    }

    private static void ready(RoutingContext ctx, Readiness readiness) {
        Readiness.Report report = readiness.report();
        json(ctx, report.ready() ? 200 : 503, new JsonObject()
                .put("ready", report.ready())
                .put("draining", report.draining())
                .put("waitingFor", new JsonArray(report.waitingFor())));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encode());
    }
}
