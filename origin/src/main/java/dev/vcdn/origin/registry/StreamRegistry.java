package dev.vcdn.origin.registry;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The live streams of the origin cluster: a map shared by every origin (a Hazelcast IMap when
 * clustered, a local map otherwise), one entry per live channel. Entries carry a TTL that the
 * holding node keeps refreshing, so the streams of a node that dies disappear by themselves.
 */
public final class StreamRegistry {

    public static final String MAP_NAME = "vcdn.streams";
    /** How long an entry outlives its last refresh; the holder refreshes three times as often. */
    public static final Duration DEFAULT_ENTRY_TTL = Duration.ofSeconds(15);

    private final Vertx vertx;
    private final Duration entryTtl;

    public StreamRegistry(Vertx vertx) {
        this(vertx, DEFAULT_ENTRY_TTL);
    }

    public StreamRegistry(Vertx vertx, Duration entryTtl) {
        this.vertx = vertx;
        this.entryTtl = entryTtl;
    }

    /** How often a holder must call {@link #refresh} for its entry to stay. */
    public Duration refreshInterval() {
        return entryTtl.dividedBy(3);
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return vertx.sharedData().getAsyncMap(MAP_NAME);
    }

    /** Records a new stream, or fails with ALREADY_LIVE when the channel has one. */
    public Future<Void> claim(StreamTarget target) {
        return map().compose(map -> map.putIfAbsent(target.channel().value(), target.toJson(), entryTtl.toMillis()))
                .compose(existing -> existing == null
                        ? Future.succeededFuture()
                        : Future.failedFuture(new PublishRefusedException(PublishRefusedException.Reason.ALREADY_LIVE,
                                "channel " + target.channel() + " is already live (stream "
                                        + existing.getString("streamId") + ")")));
    }

    /**
     * Rewrites the entry (new source info, new state) and renews its TTL, as long as it is still
     * ours. Get-then-put: the clustered map has no compare-and-set with a TTL. Another publisher
     * can only have taken the channel if our entry had expired, and then the get sees theirs.
     */
    public Future<Boolean> refresh(StreamTarget target) {
        String key = target.channel().value();
        return map().compose(map -> map.get(key).compose(current -> isSameStream(current, target.streamId())
                ? map.put(key, target.toJson(), entryTtl.toMillis()).map(true)
                : Future.succeededFuture(false)));
    }

    /** Removes the entry if it still belongs to {@code streamId}. */
    public Future<Void> release(ChannelName channel, StreamId streamId) {
        return map().compose(map -> map.get(channel.value()).compose(current -> isSameStream(current, streamId)
                ? map.removeIfPresent(channel.value(), current).mapEmpty()
                : Future.succeededFuture()));
    }

    public Future<List<StreamTarget>> live() {
        return map().compose(AsyncMap::values).map(values -> values.stream()
                .map(StreamTarget::fromJson)
                .sorted(Comparator.comparing(t -> t.channel().value()))
                .toList());
    }

    private static boolean isSameStream(JsonObject entry, StreamId streamId) {
        return entry != null && streamId.value().equals(entry.getString("streamId"));
    }
}
