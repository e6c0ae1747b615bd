package dev.vcdn.geo.director;

import dev.vcdn.shared.net.Cidr;

import dev.vcdn.shared.net.IpLiteral;
import dev.vcdn.geo.health.EdgeChooser;
import dev.vcdn.geo.health.HealthyEdge;
import dev.vcdn.geo.locate.RegionLocator;
import dev.vcdn.geo.world.Region;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP director: {@code GET /route?channel=NAME} redirects the caller to the watch page on
 * the best edge for it, {@code GET /route.json?channel=NAME} says which edge and the
 * alternatives. The caller is its TCP peer, or the last X-Forwarded-For entry not from a
 * trusted proxy when the peer is one.
 */
public final class Director {

    private final RegionLocator locator;
    private final EdgeChooser chooser;
    private final List<Cidr> trustedProxies;
    private final int alternatives;

    public Director(RegionLocator locator, EdgeChooser chooser, List<Cidr> trustedProxies, int alternatives) {
        this.locator = locator;
        this.chooser = chooser;
        this.trustedProxies = List.copyOf(trustedProxies);
        this.alternatives = alternatives;
    }

    public void mount(Router router) {
        router.get("/route").handler(ctx -> route(ctx, false));
        router.get("/route.json").handler(ctx -> route(ctx, true));
    }

    private void route(RoutingContext ctx, boolean asJson) {
        ChannelName channel;
        try {
            channel = ChannelName.of(ctx.request().getParam("channel"));
        } catch (RuntimeException e) {
            ctx.fail(400);
            return;
        }
        Optional<InetAddress> client = client(ctx);
        if (client.isEmpty()) {
            ctx.fail(400);
            return;
        }
        Region region = locator.locate(client.get());
        List<HealthyEdge> edges = chooser.choose(region, 1 + alternatives);
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (edges.isEmpty()) {
            ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("error", "no healthy edge").put("region", region.id()).encode());
            return;
        }
        if (!asJson) {
            ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, watch(edges.get(0), channel).toString()).end();
            return;
        }
        JsonArray others = new JsonArray();
        edges.subList(1, edges.size()).forEach(edge -> others.add(describe(edge, channel)));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
                .put("channel", channel.value())
                .put("client", client.get().getHostAddress())
                .put("region", region.id())
                .put("edge", describe(edges.get(0), channel))
                .put("alternatives", others).encode());
    }

    private static JsonObject describe(HealthyEdge edge, ChannelName channel) {
        return new JsonObject().put("region", edge.region()).put("url", edge.url().toString())
                .put("watch", watch(edge, channel).toString())
                .put("playlist", edge.url().resolve("/live/" + channel.value() + "/master.m3u8").toString());
    }

    private static URI watch(HealthyEdge edge, ChannelName channel) {
        return edge.url().resolve("/watch/" + channel.value());
    }

    /** The caller: the peer, or behind trusted proxies the nearest untrusted X-Forwarded-For entry. */
    Optional<InetAddress> client(RoutingContext ctx) {
        Optional<InetAddress> peer = IpLiteral.parse(ctx.request().remoteAddress().host());
        if (peer.isEmpty() || !trusted(peer.get())) {
            return peer;
        }
        String forwarded = ctx.request().getHeader("X-Forwarded-For");
        if (forwarded == null) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpLiteral.parse(hops[i].trim());
            if (hop.isEmpty()) {
                return peer;
            }
            if (!trusted(hop.get())) {
                return hop;
            }
        }
        return peer;
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(cidr -> cidr.contains(address));
    }
}
