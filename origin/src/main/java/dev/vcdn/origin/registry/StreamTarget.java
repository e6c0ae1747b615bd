package dev.vcdn.origin.registry;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A live stream as the origin cluster knows it: which node holds it and what it carries.
 *
 * @param node   where it is held: that node's HTTP address, so other origins can proxy to it
 * @param backup it comes from the channel's backup encoder, standing in for the primary: a
 *               primary that publishes again takes the channel back
 */
public record StreamTarget(ChannelName channel, StreamId streamId, String node, Instant startedAt, SourceInfo source,
                           List<String> renditions, State state, boolean backup) {

    public enum State {
        /** Accepted, media not yet flowing. */
        STARTING,
        LIVE
    }

    /** More renditions than any ladder has (six rungs, three codecs, audio). */
    static final int MAX_RENDITIONS = 32;

    public StreamTarget {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        renditions = List.copyOf(renditions);
        if (renditions.size() > MAX_RENDITIONS) {
            throw new IllegalArgumentException(renditions.size() + " renditions, more than " + MAX_RENDITIONS);
        }
        renditions.forEach(RenditionId::of);
    }

    public StreamTarget with(SourceInfo newSource, State newState) {
        return new StreamTarget(channel, streamId, node, startedAt, newSource, renditions, newState, backup);
    }

    public StreamTarget withRenditions(List<String> newRenditions) {
        return new StreamTarget(channel, streamId, node, startedAt, source, newRenditions, state, backup);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("channel", channel.value())
                .put("streamId", streamId.value())
                .put("node", node)
                .put("startedAt", startedAt.toString())
                .put("source", source.toJson())
                .put("renditions", new JsonArray(renditions))
                .put("state", state.name().toLowerCase(Locale.ROOT))
                .put("backup", backup);
    }

    /** @throws IllegalArgumentException on an entry that is not one this class wrote */
    public static StreamTarget fromJson(JsonObject json) {
        try {
            List<String> renditions = new ArrayList<>();
            json.getJsonArray("renditions", new JsonArray()).forEach(r -> renditions.add(String.valueOf(r)));
            return new StreamTarget(
                    ChannelName.of(json.getString("channel")),
                    StreamId.of(json.getString("streamId")),
                    json.getString("node"),
                    Instant.parse(json.getString("startedAt")),
                    SourceInfo.fromJson(json.getJsonObject("source", new JsonObject())),
                    renditions,
                    State.valueOf(json.getString("state").toUpperCase(Locale.ROOT)),
                    json.getBoolean("backup", false));
        } catch (RuntimeException e) { // ClassCastException, NullPointerException, DateTimeParseException...
            throw new IllegalArgumentException("malformed stream entry: " + e, e);
        }
    }
}
