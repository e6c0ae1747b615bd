package dev.vcdn.origin.registry;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcasts of the origin cluster, one record per channel (a Hazelcast IMap when clustered):
 * the sequence state a publish needs to continue a broadcast on any origin. The packaging
 * origin keeps its record fresh; the record outlives it by the reconnect grace, so a publisher
 * whose origin died continues on another one. Unlike the stream registry's entries, a record
 * stays while its publisher is away.
 */
public final class BroadcastLedger {

    private static final Logger log = LoggerFactory.getLogger(BroadcastLedger.class);
    public static final String MAP_NAME = "vcdn.broadcasts";

    private final Vertx vertx;
    private final ClusterMembers members;
    private final Supplier<String> node;
    /** This process, in the records it writes. */
    private final String owner = UUID.randomUUID().toString();

    /** @param node this origin's HTTP address, once it listens */
    public BroadcastLedger(Vertx vertx, Supplier<String> node) {
        this(vertx, ClusterMembers.of(vertx), node);
    }

    BroadcastLedger(Vertx vertx, ClusterMembers members, Supplier<String> node) {
        this.vertx = vertx;
        this.members = members;
        this.node = node;
    }

    /** A record of this origin's broadcast, as it stands now. */
    public BroadcastRecord recordOf(ChannelName channel, StreamId broadcastId, long discontinuities, long nextMsn,
                                    boolean waiting) {
        return new BroadcastRecord(channel, broadcastId, owner, members.self(), String.valueOf(node.get()), discontinuities,
                nextMsn, waiting);
    }

    /** Whether {@code record} was written by this origin. */
    public boolean isOwn(BroadcastRecord record) {
        return owner.equals(record.owner());
    }

    /** Whether the origin that wrote {@code record} is still in the cluster. */
    public boolean ownerAlive(BroadcastRecord record) {
        return members.alive(record.member());
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return vertx.sharedData().getAsyncMap(MAP_NAME);
    }

    /** The channel's broadcast, if one is recorded; a record that cannot be read counts as none (logged). */
    public Future<Optional<BroadcastRecord>> find(ChannelName channel) {
        return map().compose(map -> map.get(channel.value())).map(json -> json == null ? Optional.empty() : readable(channel, json));
    }

    private static Optional<BroadcastRecord> readable(ChannelName channel, JsonObject json) {
        try {
            BroadcastRecord record = BroadcastRecord.fromJson(json);
            if (!record.channel().equals(channel)) {
                throw new IllegalArgumentException("recorded under " + channel + " for " + record.channel());
            }
            return Optional.of(record);
        } catch (IllegalArgumentException e) {
            log.warn("broadcast record of {} ignored: {}", channel, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Rewrites this origin's record of the broadcast for {@code ttl}, unless the channel's record
     * is now another origin's: that one is returned, unchanged (its publisher went there, or a new
     * broadcast started there). Get-then-put: the clustered map has no compare-and-set with a TTL;
     * the loser of a race is put right at the next rewrite, within a second.
     */
    public Future<Optional<BroadcastRecord>> keep(BroadcastRecord record, Duration ttl) {
        String key = record.channel().value();
        return map().compose(map -> map.get(key).compose(current -> {
            Optional<BroadcastRecord> recorded = current == null ? Optional.empty() : readable(record.channel(), current);
            if (recorded.isPresent() && !isOwn(recorded.get())) {
                return Future.succeededFuture(recorded);
            }
            return map.put(key, record.toJson(), ttl.toMillis()).map(Optional.empty());
        }));
    }

    /** Writes the record, replacing whatever the channel had: a publish that starts or continues a broadcast here. */
    public Future<Void> write(BroadcastRecord record, Duration ttl) {
        return map().compose(map -> map.put(record.channel().value(), record.toJson(), ttl.toMillis()));
    }

    /** Forgets this origin's record of the broadcast, unless another origin's has replaced it. */
    public Future<Void> remove(BroadcastRecord record) {
        String key = record.channel().value();
        return map().compose(map -> map.get(key).compose(current -> current != null
                && owner.equals(current.getValue("owner")) && record.broadcastId().value().equals(current.getValue("broadcastId"))
                ? map.removeIfPresent(key, current).mapEmpty()
                : Future.succeededFuture()));
    }
}
