package dev.vcdn.geo.health;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.vcdn.shared.net.IpLiteral;
import dev.vcdn.geo.world.Region;
import dev.vcdn.shared.region.EdgeStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's edges as its Hazelcast cluster lists them: geo-config is a client of the region's
 * cluster and reads the {@code edges} map (each edge rewrites its entry every few seconds with a
 * short TTL). An entry older than {@code freshness} counts as dead even before its TTL ends.
 * The Hazelcast client blocks, so it is only ever called on a worker thread.
 */
public final class RegionClusterWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegionClusterWatch.class);

    private final Vertx vertx;
    private final Region region;
    private final EdgeHealth health;
    private final Duration freshness;
    private final Clock clock;
    /** The client connects in the background: a few failed polls right after the start are not news. */
    static final int FAILURES_BEFORE_WARNING = 3;

    private volatile HazelcastInstance client;
    private int failures;

    public RegionClusterWatch(Vertx vertx, Region region, EdgeHealth health, Duration freshness, Clock clock) {
        this.vertx = vertx;
        this.region = region;
        this.health = health;
        this.freshness = freshness;
        this.clock = clock;
    }

    /** Reads the region's edges once (connecting first if needed) and publishes the fresh ones. */
    public Future<Void> poll() {
        return vertx.executeBlocking(this::read, false).transform(done -> {
            if (done.succeeded()) {
                failures = 0;
                health.update(region.id(), EdgeHealth.Source.CLUSTER, done.result());
            } else {
                if (++failures == FAILURES_BEFORE_WARNING) {
                    log.warn("edges of region {} unknown: cluster {} at {} unreachable: {}", region.id(), region.clusterName(),
                            region.cluster(), done.cause().getMessage());
                }
                health.update(region.id(), EdgeHealth.Source.CLUSTER, List.of());
            }
            return Future.succeededFuture();
        });
    }

    private List<HealthyEdge> read() {
        Map<String, String> entries = connection().<String, String>getMap(EdgeStatus.MAP_NAME);
        Instant oldest = clock.instant().minus(freshness);
        List<HealthyEdge> fresh = new ArrayList<>();
        for (String json : entries.values()) {
            try {
                EdgeStatus status = EdgeStatus.fromJson(json);
                if (status.heartbeat().isAfter(oldest)) {
                    URI url = status.url();
                    fresh.add(new HealthyEdge(region.id(), url, IpLiteral.parse(url.getHost()), status.viewers(),
                            status.full()));
                }
            } catch (IllegalArgumentException e) {
                log.debug("ignored edges entry in region {}: {}", region.id(), e.getMessage());
            }
        }
        return fresh;
    }

    private HazelcastInstance connection() {
        HazelcastInstance current = client;
        if (current == null) {
            ClientConfig config = new ClientConfig();
            config.setClusterName(region.clusterName());
            config.setProperty("hazelcast.logging.type", "slf4j");
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.getNetworkConfig().setAddresses(region.cluster()).setSmartRouting(false);
            // Never wait for the cluster: a region that is down must not hold the others up.
            config.getConnectionStrategyConfig().setAsyncStart(true)
                    .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
            config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(Long.MAX_VALUE);
            current = HazelcastClient.newHazelcastClient(config);
            client = current;
        }
        return current;
    }

    @Override
    public void close() {
        HazelcastInstance current = client;
        if (current != null) {
            current.shutdown();
        }
    }
}
