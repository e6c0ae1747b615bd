package dev.vcdn.edge.region;

import dev.vcdn.shared.stream.ChannelName;
import java.util.Optional;

/** Which node of the region owns a channel: the one that subscribes to the origin for it. */
public interface ChannelOwnership {

    /** This node's id. */
    String self();

    /** The owner now; empty while the cluster is moving ownership. Cheap: asked on every action. */
    Optional<String> ownerOf(ChannelName channel);

    default boolean ownedHere(ChannelName channel) {
        return ownerOf(channel).filter(self()::equals).isPresent();
    }
}
