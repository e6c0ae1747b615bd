package dev.vcdn.origin.transcode.tap;

import dev.vcdn.shared.stream.ChannelName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The newest JPEG of every live channel on this origin, for {@code /live/{channel}/thumb.jpg}. */
public final class ThumbnailStore {

    private final Map<ChannelName, byte[]> latest = new ConcurrentHashMap<>();

    void put(ChannelName channel, byte[] jpeg) {
        latest.put(channel, jpeg);
    }

    void remove(ChannelName channel) {
        latest.remove(channel);
    }

    /** The bytes are shared: never change them. */
    public Optional<byte[]> get(ChannelName channel) {
        return Optional.ofNullable(latest.get(channel));
    }
}
