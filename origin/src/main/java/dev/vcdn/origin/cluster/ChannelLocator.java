package dev.vcdn.origin.cluster;

import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.BroadcastRecord;
import dev.vcdn.origin.registry.StreamRegistry;
import dev.vcdn.origin.registry.StreamTarget;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where a channel is packaged in the origin cluster: at the holder of its live stream, or, while
 * its publisher is away, at the origin whose broadcast waits for it (the stream registry forgets
 * a stream when its publisher leaves; the broadcast ledger keeps the broadcast).
 */
public final class ChannelLocator {

    /**
     * @param node     the origin packaging it, if any
     * @param recorded a broadcast of it is recorded: it is live, waits for its publisher, or its
     *                 origin died and it goes on as soon as the publisher is back somewhere
     */
    public record Location(Optional<String> node, boolean recorded) {
    }

    private final StreamRegistry registry;
    private final BroadcastLedger broadcasts;

    public ChannelLocator(StreamRegistry registry, BroadcastLedger broadcasts) {
        this.registry = registry;
        this.broadcasts = broadcasts;
    }

    public Future<Location> locate(ChannelName channel) {
        return registry.holder(channel).compose(stream -> stream.isPresent()
                ? Future.succeededFuture(new Location(stream.map(StreamTarget::node), true))
                : broadcasts.find(channel).map(record -> new Location(
                        record.filter(broadcasts::ownerAlive).map(BroadcastRecord::node), record.isPresent())));
    }
}
