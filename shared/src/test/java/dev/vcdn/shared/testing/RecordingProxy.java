package dev.vcdn.shared.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in front of the origin and counts every request by its exact target, so a test can say
 * how often the origin was asked for one object. Passes HTTP and the {@code /events} WebSocket
 * through unchanged.
 */
public final class RecordingProxy implements AutoCloseable {

    private final Vertx vertx;
    private final int originPort;
    private final HttpClient client;
    private final WebSocketClient webSockets;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger openEventStreams = new AtomicInteger();
    private HttpServer server;

    public RecordingProxy(Vertx vertx, int originPort) {
        this.vertx = vertx;
        this.originPort = originPort;
        this.client = vertx.createHttpClient();
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
                .setMaxFrameSize(64 << 20));
    }

    public Future<Integer> start() {
        return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> {
            server = s;
            return s.actualPort();
        });
    }

    private void handle(HttpServerRequest request) {
        requests.computeIfAbsent(request.uri(), u -> new AtomicInteger()).incrementAndGet();
        if ("/events".equals(request.path())) {
            request.pause();
            webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(originPort).setURI("/events"))
                    .onSuccess(upstream -> request.toWebSocket().onSuccess(downstream -> {
                        openEventStreams.incrementAndGet();
                        downstream.closeHandler(ignored -> openEventStreams.decrementAndGet());
                        pipe(downstream, upstream);
                    }))
                    .onFailure(error -> request.response().setStatusCode(502).end());
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(originPort)
                        .setURI(request.uri()).setHeaders(request.headers().copy().remove(HttpHeaders.HOST)))
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

    private static void pipe(ServerWebSocket downstream, io.vertx.core.http.WebSocket upstream) {
        downstream.textMessageHandler(upstream::writeTextMessage);
        upstream.binaryMessageHandler(downstream::writeBinaryMessage);
        downstream.endHandler(ignored -> upstream.close());
        upstream.closeHandler(ignored -> downstream.close());
    }

    /** How often the origin was asked for exactly this target. */
    public int count(String target) {
        AtomicInteger count = requests.get(target);
        return count == null ? 0 : count.get();
    }

    /** Every request target other than the event stream, with its count. */
    public Map<String, Integer> playbackRequests() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        requests.forEach((target, count) -> {
            // Not the event stream, nor the access rules every edge polls twice a second.
            if (!target.equals("/events") && !target.startsWith("/.well-known/")) {
                copy.put(target, count.get());
            }
        });
        return copy;
    }

    /** Event WebSockets open through the proxy now. */
    public int openEventStreams() {
        return openEventStreams.get();
    }

    public void reset() {
        requests.clear();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
