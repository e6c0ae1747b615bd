package dev.vcdn.shared.events;

import dev.vcdn.shared.hls.LiveEdge;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.OptionalInt;

/**
 * What an origin tells the edges subscribed to a channel (DESIGN.md, "Origin -> edge events").
 * Every event names the channel and stream, so an edge never mixes two publish sessions; part
 * events carry their bytes and enough to rebuild the playlist (segment start time, part
 * duration, independence).
 */
public sealed interface OriginEvent {

    ChannelName channel();

    StreamId streamId();

    /** A stream went live; its renditions follow as {@link Init} events. */
    record StreamStarted(ChannelName channel, StreamId streamId, int targetDurationSeconds, double partTargetSeconds)
            implements OriginEvent {
    }

    /**
     * A rendition's init segment and what the multivariant playlist says of it. {@code firstMsn}:
     * the first segment it describes, which names it ({@code init-<firstMsn>.mp4}); empty for one
     * named {@code init.mp4}.
     */
    record Init(ChannelName channel, StreamId streamId, RenditionId rendition, String kind, String codecs, int width,
                int height, double frameRate, long averageBandwidth, long bandwidth, OptionalLong firstMsn, byte[] bytes)
            implements OriginEvent {

        public Init {
            Objects.requireNonNull(rendition, "rendition");
            Objects.requireNonNull(firstMsn, "firstMsn");
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Init i && channel.equals(i.channel) && streamId.equals(i.streamId)
                    && rendition.equals(i.rendition) && kind.equals(i.kind) && codecs.equals(i.codecs) && width == i.width
                    && height == i.height && frameRate == i.frameRate && averageBandwidth == i.averageBandwidth
                    && bandwidth == i.bandwidth && firstMsn.equals(i.firstMsn) && Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, streamId, rendition) * 31 + Arrays.hashCode(bytes);
        }
    }

    /** One LL-HLS part, complete. */
    record PartReady(ChannelName channel, StreamId streamId, RenditionId rendition, long msn, int part,
                     boolean independent, long durationMillis, Instant segmentStart, byte[] bytes) implements OriginEvent {

        public PartReady {
            Objects.requireNonNull(rendition, "rendition");
            Objects.requireNonNull(segmentStart, "segmentStart");
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PartReady p && channel.equals(p.channel) && streamId.equals(p.streamId)
                    && rendition.equals(p.rendition) && msn == p.msn && part == p.part && independent == p.independent
                    && durationMillis == p.durationMillis && segmentStart.equals(p.segmentStart) && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, streamId, rendition, msn, part) * 31 + Arrays.hashCode(bytes);
        }
    }

    /** Segment {@code msn} of a rendition has all its parts. */
    record SegmentComplete(ChannelName channel, StreamId streamId, RenditionId rendition, long msn, long durationMillis)
            implements OriginEvent {
    }

    /**
     * A rendition's media playlist changed (a part landed, a segment completed, the stream
     * ended): the playlist as the origin now serves it, whole and as a delta update, with the
     * live edge it describes. An edge answers blocking reloads from it at once and byte for
     * byte as the origin would.
     *
     * @param lastMsn          segment of the newest part, -1 before the first part
     * @param lastPart         index of the newest part in {@code lastMsn}
     * @param segmentComplete  whether segment {@code lastMsn} is complete
     * @param ended            the playlist carries EXT-X-ENDLIST
     * @param playlist         the playlist text
     * @param deltaPlaylist    the playlist for {@code _HLS_skip} requests
     */
    record PlaylistUpdate(ChannelName channel, StreamId streamId, RenditionId rendition, long lastMsn, int lastPart,
                          boolean segmentComplete, boolean ended, String playlist, String deltaPlaylist)
            implements OriginEvent {

        public PlaylistUpdate {
            Objects.requireNonNull(rendition, "rendition");
            Objects.requireNonNull(playlist, "playlist");
            Objects.requireNonNull(deltaPlaylist, "deltaPlaylist");
            if (lastMsn < -1 || lastPart < 0) {
                throw new IllegalArgumentException("live edge " + lastMsn + "." + lastPart);
            }
        }

        public LiveEdge liveEdge() {
            return new LiveEdge(lastMsn, lastPart);
        }

        /**
         * Whether a blocking reload for part {@code part} of segment {@code msn} is answered by
         * this playlist (the LL-HLS rule: the part, or a later one, is in it). A part number past
         * a complete segment's end means the next segment's first part; {@code part} empty asks
         * for the whole segment.
         */
        public boolean satisfies(long msn, OptionalInt part) {
            if (part.isEmpty()) {
                return msn < lastMsn || (msn == lastMsn && segmentComplete);
            }
            return msn < lastMsn || (msn == lastMsn && part.getAsInt() <= lastPart);
        }
    }

    /** The publisher left; playlists end with EXT-X-ENDLIST. */
    record StreamEnded(ChannelName channel, StreamId streamId) implements OriginEvent {
    }

    /** An edge's request: which channels it wants events of from now on. */
    record Subscription(List<ChannelName> subscribe, List<ChannelName> unsubscribe) {

        public Subscription {
            subscribe = List.copyOf(subscribe);
            unsubscribe = List.copyOf(unsubscribe);
        }
    }
}
