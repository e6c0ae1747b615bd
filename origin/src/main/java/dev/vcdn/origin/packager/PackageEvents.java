package dev.vcdn.origin.packager;

import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;

/** Where the packages tell what happens to them (the {@code /events} hub). Called on the packages' event loop. */
public interface PackageEvents {

    /** Sends {@code event} to whoever follows its channel. */
    void publish(OriginEvent event);

    /** Whether anyone follows {@code channel}: events that cost work to make are made only then. */
    boolean followed(ChannelName channel);

    /**
     * Another origin continues the channel's broadcast: its followers here are to get its events
     * from there now.
     */
    void handedOver(ChannelName channel);
}
