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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streams of the origin cluster: a map shared by every origin (a Hazelcast IMap when
 * clustered, a local map otherwise), one entry per live channel. Entries carry a TTL that the
 * holding node keeps refreshing, so the streams of a node that dies disappear by themselves; and
 * each names the cluster member that wrote it, so that once that member has left its entries no
 * longer count, even before they expire: its publishers can go live again on another origin.
 */
public final class StreamRegistry {

    private static final Logger log = LoggerFactory.getLogger(StreamRegistry.class);

    public static final String MAP_NAME = "vcdn.streams";
    /** The entry's field naming the cluster member that holds the stream. */
    static final String MEMBER = "member";
    /** How long an entry outlives its last refresh; the holder refreshes three times as often. */
    public static final Duration DEFAULT_ENTRY_TTL = Duration.ofSeconds(15);

    /** Rounds of read-and-replace a claim makes against an entry its holder keeps rewriting. */
    static final int CLAIM_ATTEMPTS = 3;
    /** Malformed entries already warned about; more are left out silently. */
    private static final int MAX_REPORTED = 1000;

    private final Vertx vertx;
    private final Duration entryTtl;
    private final ClusterMembers members;
    private final Set<String> reportedMalformed = ConcurrentHashMap.newKeySet();

    public StreamRegistry(Vertx vertx) {
        this(vertx, DEFAULT_ENTRY_TTL);
    }

    public StreamRegistry(Vertx vertx, Duration entryTtl) {
        this(vertx, entryTtl, ClusterMembers.of(vertx));
    }

    StreamRegistry(Vertx vertx, Duration entryTtl, ClusterMembers members) {
        this.vertx = vertx;
        this.entryTtl = entryTtl;
        this.members = members;
    }

    /** How often a holder must call {@link #refresh} for its entry to stay. */
    public Duration refreshInterval() {
        return entryTtl.dividedBy(3);
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return vertx.sharedData().getAsyncMap(MAP_NAME);
    }

    /**
     * Records a new stream, or fails with ALREADY_LIVE when the channel has one. The entry of a
     * member that has left is taken over: its stream died with it; so is a backup's entry by a
     * primary: the primary is back, and the backup stands by again once it sees its entry gone.
     */
    public Future<Void> claim(StreamTarget target) {
        String key = target.channel().value();
        JsonObject entry = entry(target);
        return map().compose(map -> putOrReplace(map, key, entry, target, CLAIM_ATTEMPTS))
                .compose(existing -> existing == null
                        ? Future.succeededFuture()
                        : Future.failedFuture(new PublishRefusedException(PublishRefusedException.Reason.ALREADY_LIVE,
                                "channel " + target.channel() + " is already live (stream "
                                        + existing.getString("streamId") + ")")));
    }

    /**
     * Puts the entry unless one is there that may not be replaced; returns that one, or null. A
     * replaceable entry rewritten between the read and the removal (its holder refreshed it) is
     * tried again.
     */
    private Future<JsonObject> putOrReplace(AsyncMap<String, JsonObject> map, String key, JsonObject entry,
                                            StreamTarget target, int attemptsLeft) {
        return map.putIfAbsent(key, entry, entryTtl.toMillis()).compose(existing -> {
            if (existing == null || !replaceable(existing, target) || attemptsLeft <= 1) {
                return Future.succeededFuture(existing);
            }
            return map.removeIfPresent(key, existing).compose(removed -> {
                if (removed) {
                    log.info("stream {} of {} taken over: {}", existing.getString("streamId"), key,
                            heldByLeftMember(existing) ? "its origin left the cluster" : "its primary publishes again");
                }
                return putOrReplace(map, key, entry, target, attemptsLeft - 1);
            });
        });
    }

    /** Whether {@code claimant} may take the channel from the stream of {@code existing}. */
    private boolean replaceable(JsonObject existing, StreamTarget claimant) {
        return heldByLeftMember(existing) || (!claimant.backup() && Boolean.TRUE.equals(existing.getValue("backup")));
    }

    private JsonObject entry(StreamTarget target) {
        return target.toJson().put(MEMBER, members.self());
    }

    /** Written by a member no longer in the cluster; an entry without a member (an older version's) counts as held. */
    private boolean heldByLeftMember(JsonObject entry) {
        return entry.getValue(MEMBER) instanceof String member && !members.alive(member);
    }

    /**
     * Rewrites the entry (new source info, new state) and renews its TTL, as long as it is still
     * ours. Get-then-put: the clustered map has no compare-and-set with a TTL. Another publisher
     * takes the channel only when our entry expired, or (a primary) from its backup; a put that
     * lands after such a change overwrites it until the next refresh on either side sorts it out,
     * and one that lands after our own release is released again by the caller.
     */
    public Future<Boolean> refresh(StreamTarget target) {
        String key = target.channel().value();
        return map().compose(map -> map.get(key).compose(current -> isSameStream(current, target.streamId())
                ? map.put(key, entry(target), entryTtl.toMillis()).map(true)
                : Future.succeededFuture(false)));
    }

    /** Removes the entry if it still belongs to {@code streamId}. */
    public Future<Void> release(ChannelName channel, StreamId streamId) {
        return map().compose(map -> map.get(channel.value()).compose(current -> isSameStream(current, streamId)
                ? map.removeIfPresent(channel.value(), current).mapEmpty()
                : Future.succeededFuture()));
    }

    /**
     * Every live stream of the cluster, by channel name; an entry that cannot be read is left out
     * (logged once), and so is one whose member has left.
     */
    public Future<List<StreamTarget>> live() {
        return map().compose(AsyncMap::values).map(values -> values.stream()
                .filter(entry -> !heldByLeftMember(entry))
                .map(this::readable)
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(t -> t.channel().value()))
                .toList());
    }

    /**
     * The channel's live stream, wherever it is held (not on a member that has left): one lookup,
     * not a scan of the cluster's streams.
     */
    public Future<Optional<StreamTarget>> holder(ChannelName channel) {
        return map().compose(map -> map.get(channel.value()))
                .map(entry -> entry == null || heldByLeftMember(entry) ? Optional.empty() : readable(entry));
    }

    /**
     * A malformed entry (written by another version, or damaged) costs its own channel only, never
     * the listing of every other one.
     */
    private Optional<StreamTarget> readable(JsonObject entry) {
        try {
            return Optional.of(StreamTarget.fromJson(entry));
        } catch (IllegalArgumentException e) {
            String key = String.valueOf(entry.getValue("channel")) + "/" + entry.getValue("streamId");
            if (reportedMalformed.size() < MAX_REPORTED && reportedMalformed.add(key)) {
                log.warn("stream registry entry left out: {} ({}); warned once", key, e.getMessage());
            }
            return Optional.empty();
        }
    }

    private static boolean isSameStream(JsonObject entry, StreamId streamId) {
        return entry != null && streamId.value().equals(entry.getString("streamId"));
    }
}
