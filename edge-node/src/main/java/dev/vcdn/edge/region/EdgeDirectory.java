package dev.vcdn.edge.region;

import dev.vcdn.shared.region.EdgeStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's entry in the region's {@code edges} map, rewritten every heartbeat with a TTL of a
 * few heartbeats, so a node that dies leaves the map by itself; and the other nodes' addresses,
 * read back at the same pace, for filling misses from a channel's owner. Event-loop owned.
 */
public final class EdgeDirectory {

    private static final Logger log = LoggerFactory.getLogger(EdgeDirectory.class);
    /** An entry outlives this many missed heartbeats. */
    static final int TTL_HEARTBEATS = 3;

    private final Vertx vertx;
    private final Duration heartbeat;
    private final Supplier<EdgeStatus> status;
    private final Map<String, URI> peers = new HashMap<>();
    private AsyncMap<String, String> edges;
    private long timer = -1;
    private boolean warned;

    public EdgeDirectory(Vertx vertx, Duration heartbeat, Supplier<EdgeStatus> status) {
        this.vertx = vertx;
        this.heartbeat = heartbeat;
        this.status = status;
    }

    public Future<Void> start() {
        return vertx.sharedData().<String, String>getAsyncMap(EdgeStatus.MAP_NAME).compose(map -> {
            edges = map;
            timer = vertx.setPeriodic(heartbeat.toMillis(), id -> beat());
            return beat();
        });
    }

    private Future<Void> beat() {
        EdgeStatus mine = status.get();
        Future<Void> written = edges.put(mine.id(), mine.toJson(), heartbeat.toMillis() * TTL_HEARTBEATS);
        edges.entries().onSuccess(this::refresh);
        return written.onSuccess(ok -> warned = false).onFailure(error -> {
            if (!warned) {
                warned = true;
                log.warn("edges map not written: {}", error.getMessage());
            }
        });
    }

    private void refresh(Map<String, String> entries) {
        peers.clear();
        entries.forEach((id, json) -> {
            try {
                peers.put(id, EdgeStatus.fromJson(json).url());
            } catch (IllegalArgumentException e) {
                log.debug("ignored edges entry {}: {}", id, e.getMessage());
            }
        });
    }

    /** Where the node {@code id} serves, as of the last heartbeat. */
    public Optional<URI> urlOf(String id) {
        return Optional.ofNullable(peers.get(id));
    }

    /** Removes this node's entry at once (a clean stop), rather than waiting for its TTL. */
    public Future<Void> leave(String self) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (edges == null) {
            return Future.succeededFuture();
        }
        try {
            return edges.remove(self).mapEmpty();
        } catch (RuntimeException clusterGone) {
            // The cluster stopped first: the entry goes with its TTL.
            return Future.succeededFuture();
        }
    }
}
