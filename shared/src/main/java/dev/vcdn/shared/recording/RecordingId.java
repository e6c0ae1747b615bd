package dev.vcdn.shared.recording;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import java.util.Objects;
import java.util.Optional;

/**
 * A recorded broadcast: its channel and the broadcast's id, written {@code alice.Xy3_k9}. A
 * channel name has no dot, so the first one splits them. A broadcast that goes on after a
 * publisher reconnect, here or at another origin, keeps its id and so its recording.
 */
public record RecordingId(ChannelName channel, StreamId broadcast) {

    public RecordingId {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(broadcast, "broadcast");
    }

    /** Empty for anything that is not {@code channel.broadcast}. */
    public static Optional<RecordingId> parse(String value) {
        if (value == null || value.length() > 100) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot <= 0 || dot == value.length() - 1) {
            return Optional.empty();
        }
        String channel = value.substring(0, dot);
        String broadcast = value.substring(dot + 1);
        if (!ChannelName.isValid(channel) || !StreamId.isValid(broadcast)) {
            return Optional.empty();
        }
        return Optional.of(new RecordingId(ChannelName.of(channel), StreamId.of(broadcast)));
    }

    /** Where its objects lie in a recording store: {@code alice/Xy3_k9/}. */
    public String storePrefix() {
        return channel + "/" + broadcast + "/";
    }

    @Override
    public String toString() {
        return channel + "." + broadcast;
    }
}
