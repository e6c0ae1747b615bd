package dev.vcdn.origin.cluster;

import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.http.ErrorRenderer;
import dev.vcdn.shared.http.TokenPrefix;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Playback of a channel another origin holds: any origin answers for any live channel by
 * asking the holder (found in the stream registry) and relaying its answer, blocking requests
 * included. A relayed request is marked so that it is never relayed again.
 */
public final class HolderProxy {

    public static final String RELAYED = "X-Vcdn-Relayed";
    /** Longer than the longest blocking request the holder may hold. */
    static final long TIMEOUT_MILLIS = 10_000;
    private static final List<CharSequence> RELAYED_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CACHE_CONTROL,
            HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, HttpHeaders.ETAG);

    private final HttpClient client;
    private final ChannelLocator locator;
    private final Supplier<String> self;
    private final EdgeCredential credential;

    /**
     * @param self       this origin's node address as the registry records it
     * @param credential what the other origins ask of relayed requests for private channels (the edge token)
     */
    public HolderProxy(HttpClient client, ChannelLocator locator, Supplier<String> self, EdgeCredential credential) {
        this.client = client;
        this.locator = locator;
        this.self = self;
        this.credential = credential;
    }

    /**
     * Relays {@code ctx} to the origin packaging the channel (its holder, or the origin whose
     * broadcast waits for its publisher). When no other origin packages it: 503 while a broadcast
     * is recorded (its origin died, and it goes on as soon as the publisher is back: players retry
     * a 503, not a 404), else 404.
     */
    public void relay(RoutingContext ctx, ChannelName channel, Optional<String> token) {
        if (ctx.request().getHeader(RELAYED) != null) {
            ctx.fail(404);
            return;
        }
        locator.locate(channel).onComplete(found -> {
            if (ctx.response().ended()) {
                return;
            }
            if (found.failed()) {
                ctx.fail(404);
                return;
            }
            Optional<String> node = found.result().node().filter(n -> !n.equals(self.get()));
            if (node.isPresent()) {
                forward(ctx, node.get(), token);
            } else if (found.result().recorded()) {
                ctx.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, "1")
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
            } else {
                // Live nowhere (not going live here either, which would be a moment from packaged): keepable.
                ctx.put(ErrorRenderer.NOT_FOUND_KEEPABLE, found.result().node().isEmpty());
                ctx.fail(404);
            }
        });
    }

    /** The holder checks access again: the request goes with the viewer's token, and the edge credential when there is one. */
    private void forward(RoutingContext ctx, String node, Optional<String> token) {
        String target = token.map(t -> TokenPrefix.under(t, ctx.request().uri())).orElse(ctx.request().uri());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(node + target)
                .putHeader(RELAYED, "1")
                .setTimeout(TIMEOUT_MILLIS);
        credential.addTo(options);
        client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    copy(response, ctx);
                    ctx.response().setStatusCode(response.statusCode()).end(body);
                    return null;
                }))
                .onFailure(error -> {
                    if (!ctx.response().ended()) {
                        ctx.fail(502);
                    }
                });
    }

    private static void copy(HttpClientResponse from, RoutingContext to) {
        for (CharSequence header : RELAYED_HEADERS) {
            String value = from.getHeader(header);
            if (value != null) {
                to.response().putHeader(header, value);
            }
        }
    }
}
