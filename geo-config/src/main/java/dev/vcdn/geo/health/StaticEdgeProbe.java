package dev.vcdn.geo.health;

import dev.vcdn.shared.net.IpLiteral;
import dev.vcdn.geo.world.Region;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The static edges of one region: healthy while a GET of their {@code /ready} answers 200 in time. */
public final class StaticEdgeProbe {

    private final Vertx vertx;
    private final HttpClient client;
    private final Region region;
    private final EdgeHealth health;
    private final Duration timeout;

    public StaticEdgeProbe(Vertx vertx, HttpClient client, Region region, EdgeHealth health, Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.region = region;
        this.health = health;
        this.timeout = timeout;
    }

    /** Probes every static edge once and publishes the ones that answered. */
    public Future<Void> probe() {
        List<Future<Optional<HealthyEdge>>> probes = new ArrayList<>();
        for (String edge : region.edges()) {
            URI url = URI.create(edge.contains("://") ? edge : "http://" + edge);
            RequestOptions ready = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.resolve("/ready").toString())
                    .setTimeout(timeout.toMillis());
            probes.add(client.request(ready)
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(ignored -> response.statusCode() == 200))
                    .map(up -> up ? Optional.of(HealthyEdge.answering(region.id(), url, IpLiteral.parse(url.getHost())))
                            : Optional.<HealthyEdge>empty())
                    .otherwise(Optional.empty()));
        }
        return Future.join(probes).transform(ignored -> {
            List<HealthyEdge> up = new ArrayList<>();
            probes.forEach(p -> p.result().ifPresent(up::add));
            health.update(region.id(), EdgeHealth.Source.STATIC, up);
            return Future.succeededFuture();
        });
    }
}
