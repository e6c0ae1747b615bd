package dev.vcdn.origin.registry;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What the origin cluster knows of a channel's broadcast, so that a publish on any origin can
 * continue it: after its publisher left (within the reconnect grace) or after its origin died.
 *
 * @param broadcastId     the id its playlists and events carry, kept by every publish that continues it
 * @param owner           the origin process packaging it (stable for the process's life, unlike a
 *                        cluster member id, which a split-brain merge may change)
 * @param member          that origin's cluster member id: whether it is still alive
 * @param node            that origin's HTTP address: where the other origins relay its playback
 * @param discontinuities the discontinuity sequence number of its current publish's segments
 * @param nextMsn         a segment number above every one it has used or told to a player
 * @param waiting         its publisher has left and it waits for one to come back: every segment it
 *                        made is complete and {@code nextMsn} is exact
 */
public record BroadcastRecord(ChannelName channel, StreamId broadcastId, String owner, String member, String node,
                              long discontinuities, long nextMsn, boolean waiting) {

    /** More than a broadcast can reach; keeps arithmetic on the numbers far from overflow. */
    static final long MAX_DISCONTINUITIES = 1L << 31;
    /** The largest segment number a playback URL carries (15 digits): also exact in a JavaScript number. */
    static final long MAX_MSN = 999_999_999_999_999L;

    public BroadcastRecord {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(broadcastId, "broadcastId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(node, "node");
        if (discontinuities < 0 || discontinuities > MAX_DISCONTINUITIES) {
            throw new IllegalArgumentException("discontinuities " + discontinuities + " out of range");
        }
        if (nextMsn < 0 || nextMsn > MAX_MSN) {
            throw new IllegalArgumentException("next msn " + nextMsn + " out of range");
        }
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("channel", channel.value())
                .put("broadcastId", broadcastId.value())
                .put("owner", owner)
                .put("member", member)
                .put("node", node)
                .put("discontinuities", discontinuities)
                .put("nextMsn", nextMsn)
                .put("waiting", waiting);
    }

    /** @throws IllegalArgumentException on an entry that is not one this class wrote */
    static BroadcastRecord fromJson(JsonObject json) {
        try {
            return new BroadcastRecord(ChannelName.of(json.getString("channel")), StreamId.of(json.getString("broadcastId")),
                    json.getString("owner"), json.getString("member"), json.getString("node"),
                    json.getLong("discontinuities"), json.getLong("nextMsn"), json.getBoolean("waiting"));
        } catch (RuntimeException e) { // ClassCastException, NullPointerException...
            throw new IllegalArgumentException("malformed broadcast record: " + e, e);
        }
    }
}
