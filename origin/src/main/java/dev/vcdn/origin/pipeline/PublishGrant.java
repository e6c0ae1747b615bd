package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** The auth server's yes: who is publishing, under which new stream id, with what. */
public record PublishGrant(ChannelName channel, StreamId streamId, ChannelFeatures features) {

    public PublishGrant {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(features, "features");
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("channel", channel.value())
                .put("streamId", streamId.value())
                .put("features", features.toJson());
    }

    /** @throws IllegalArgumentException on anything but the contract's shape */
    public static PublishGrant fromJson(JsonObject json) {
        try {
            JsonObject features = json.getJsonObject("features");
            return new PublishGrant(
                    ChannelName.of(json.getString("channel")),
                    StreamId.of(json.getString("streamId")),
                    features == null ? ChannelFeatures.standard() : ChannelFeatures.fromJson(features));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("malformed publish answer: " + e.getMessage());
        }
    }
}
