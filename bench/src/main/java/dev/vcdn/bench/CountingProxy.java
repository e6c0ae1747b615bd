package dev.vcdn.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** In front of the origin: passes HTTP and the /events WebSocket through and counts requests by target. */
final class CountingProxy {

    private final Vertx vertx;
    private final int originPort;
    private final HttpClient client;
    private final WebSocketClient webSockets;
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Event WebSockets open now: the region's pushes from the origin. */
    final AtomicInteger openEventStreams = new AtomicInteger();

    CountingProxy(Vertx vertx, int originPort) {
        this.vertx = vertx;
        this.originPort = originPort;
        this.client = vertx.createHttpClient();
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
                .setMaxFrameSize(64 << 20));
    }

    Future<Integer> start() {
        return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> s.actualPort());
    }

    private void handle(HttpServerRequest request) {
        requests.computeIfAbsent(request.uri(), u -> new AtomicInteger()).incrementAndGet();
        if ("/events".equals(request.path())) {
            request.pause();
            webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(originPort).setURI("/events"))
                    .onSuccess(upstream -> request.toWebSocket().onSuccess(downstream -> {
                        openEventStreams.incrementAndGet();
                        downstream.closeHandler(ignored -> openEventStreams.decrementAndGet());
                        downstream.textMessageHandler(upstream::writeTextMessage);
                        upstream.binaryMessageHandler(downstream::writeBinaryMessage);
                        downstream.endHandler(ignored -> upstream.close());
                        upstream.closeHandler(ignored -> downstream.close());
                    }))
                    .onFailure(error -> request.response().setStatusCode(502).end());
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(originPort).setURI(request.uri()))
                .compose(upstream -> upstream.send())
                .compose(response -> response.body().map(body -> {
                    request.response().setStatusCode(response.statusCode());
                    for (CharSequence header : List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CACHE_CONTROL, HttpHeaders.ETAG,
                            HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
                        String value = response.getHeader(header);
                        if (value != null) {
                            request.response().putHeader(header, value);
                        }
                    }
                    request.response().end(body);
                    return null;
                }))
                .onFailure(error -> request.response().setStatusCode(502).end());
    }
}
