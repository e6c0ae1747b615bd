package dev.vcdn.origin.cluster;

import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
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
    private final StreamRegistry registry;
    private final Supplier<String> self;

    /** @param self this origin's node address as the registry records it */
    public HolderProxy(HttpClient client, StreamRegistry registry, Supplier<String> self) {
        this.client = client;
        this.registry = registry;
        this.self = self;
    }

    /** Relays {@code ctx} to the channel's holder, or answers 404 when no other origin holds it. */
    public void relay(RoutingContext ctx, ChannelName channel) {
        if (ctx.request().getHeader(RELAYED) != null) {
            ctx.fail(404);
            return;
        }
        holder(channel).onComplete(found -> {
            if (found.failed() || found.result().isEmpty()) {
                ctx.fail(404);
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                    .setAbsoluteURI(found.result().get() + ctx.request().uri())
                    .putHeader(RELAYED, "1")
                    .setTimeout(TIMEOUT_MILLIS);
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
        });
    }

    private Future<Optional<String>> holder(ChannelName channel) {
        return registry.holder(channel).map(stream -> stream.map(StreamTarget::node).filter(node -> !node.equals(self.get())));
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
