package dev.vcdn.origin.ingest;

import dev.vcdn.shared.stream.ChannelName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The publishes at this origin by channel: its primary and its backup, each owned by its own
 * connection's event loop. A backup looks here for a stalled primary; a primary that publishes
 * again tells the backup here to stand by. Thread-safe.
 */
final class Publishers {

    private final Map<ChannelName, LiveStream> primaries = new ConcurrentHashMap<>();
    private final Map<ChannelName, LiveStream> backups = new ConcurrentHashMap<>();

    void primary(LiveStream stream) {
        primaries.put(stream.grant().channel(), stream);
    }

    /** False when the channel has a backup at this origin already. */
    boolean backup(LiveStream stream) {
        return backups.putIfAbsent(stream.grant().channel(), stream) == null;
    }

    Optional<LiveStream> primary(ChannelName channel) {
        return Optional.ofNullable(primaries.get(channel));
    }

    Optional<LiveStream> backup(ChannelName channel) {
        return Optional.ofNullable(backups.get(channel));
    }

    void remove(LiveStream stream) {
        (stream.backup() ? backups : primaries).remove(stream.grant().channel(), stream);
    }
}
