package dev.vcdn.edge.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An auth server as an operator runs one for a cluster of origins (the contract of DESIGN.md's
 * "Auth call"): it knows stream keys, answers {@code POST /publish} with the channel, a new stream
 * id and the default features, and refuses other keys with 403. The origins share it, so a
 * publisher is accepted by whichever origin it reaches.
 */
public final class TestAuthServer implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private TestAuthServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** @param channelsByKey the channel each stream key publishes */
    public static TestAuthServer start(Map<String, String> channelsByKey) throws Exception {
        return start(channelsByKey, new JsonObject());
    }

    /** The same, every publish granted {@code features} ({@code {"recording": true}}; empty: the defaults). */
    public static TestAuthServer start(Map<String, String> channelsByKey, JsonObject features) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (request.path().equals("/unpublish")) {
                request.response().setStatusCode(200).end();
                return;
            }
            String channel = request.path().equals("/publish")
                    ? channelsByKey.get(new JsonObject(body).getString("streamKey", "")) : null;
            if (channel == null) {
                request.response().setStatusCode(403).end();
                return;
            }
            JsonObject grant = new JsonObject().put("channel", channel).put("streamId", UUID.randomUUID().toString());
            if (!features.isEmpty()) {
                grant.put("features", features);
            }
            request.response().putHeader("Content-Type", "application/json").end(grant.encode());
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new TestAuthServer(vertx, server);
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
