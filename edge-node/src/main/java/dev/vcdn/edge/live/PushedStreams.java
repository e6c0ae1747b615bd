package dev.vcdn.edge.live;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.events.OriginEvent.PlaylistUpdate;
import dev.vcdn.shared.http.PlaybackHeaders;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live state pushed to this edge, by channel: objects go into the cache as they arrive
 * (init, parts, and whole segments assembled from their parts), playlists are kept per
 * rendition to answer blocking reloads the moment they are satisfied. A channel whose pushes
 * stop is dropped, and its waiting requests are sent upstream. Event-loop owned.
 */
public final class PushedStreams {

    /** Blocking requests wait this many target durations, as at the origin. */
    static final int BLOCKING_TARGET_DURATIONS = 3;
    static final int DEFAULT_TARGET_DURATION_SECONDS = 2;
    /** An ended stream's final playlists are served this long after its last event (the origin keeps it a window). */
    static final Duration ENDED_LINGER = Duration.ofSeconds(30);

    private static final class PushedChannel {
        final StreamId streamId;
        final Map<RenditionId, PushedRendition> renditions = new HashMap<>();
        int targetDurationSeconds = DEFAULT_TARGET_DURATION_SECONDS;
        long lastEventNanos;
        boolean ended;

        PushedChannel(StreamId streamId) {
            this.streamId = streamId;
        }

        PushedRendition rendition(RenditionId id) {
            return renditions.computeIfAbsent(id, i -> new PushedRendition());
        }

        void release(PushUnavailable.Reason reason) {
            renditions.values().forEach(r -> r.release(reason));
        }
    }

    private final ResponseCache cache;
    private final Duration immutableTtl;
    private final Duration staleAfter;
    private final LongSupplier nanoTime;
    private final Clock wallClock = Clock.systemUTC();
    private Consumer<Duration> partAge = age -> {
    };
    private final Map<ChannelName, PushedChannel> channels = new HashMap<>();
    private long partsReceived;

    /**
     * @param immutableTtl how long pushed parts and segments stay cached
     * @param staleAfter   a channel without any event for this long is no longer trusted
     */
    public PushedStreams(ResponseCache cache, Duration immutableTtl, Duration staleAfter, LongSupplier nanoTime) {
        this.cache = cache;
        this.immutableTtl = immutableTtl;
        this.staleAfter = staleAfter;
        this.nanoTime = nanoTime;
    }

    public void apply(OriginEvent event) {
        PushedChannel channel = channelFor(event);
        channel.lastEventNanos = nanoTime.getAsLong();
        if (event instanceof OriginEvent.StreamStarted started) {
            channel.targetDurationSeconds = started.targetDurationSeconds();
        } else if (event instanceof OriginEvent.Init init) {
            channel.rendition(init.rendition());
            keep(event.streamId(), path(event.channel(), init.rendition(), PlaybackPath.Kind.INIT, init.firstMsn(),
                    OptionalInt.empty()), Buffer.buffer(init.bytes()));
        } else if (event instanceof OriginEvent.PartReady part) {
            partsReceived++;
            Buffer bytes = Buffer.buffer(part.bytes());
            keep(event.streamId(), path(event.channel(), part.rendition(), PlaybackPath.Kind.PART, OptionalLong.of(part.msn()),
                    OptionalInt.of(part.part())), bytes);
            PushedRendition rendition = channel.rendition(part.rendition());
            rendition.addPart(part.msn(), part.part(), bytes, part.durationMillis());
            // Its last media's wall-clock time (PROGRAM-DATE-TIME), as the origin's ingest saw it, to now.
            Instant end = part.segmentStart().plusMillis(rendition.pushedMillis(part.msn()));
            partAge.accept(Duration.between(end, wallClock.instant()));
        } else if (event instanceof OriginEvent.SegmentComplete complete) {
            channel.rendition(complete.rendition()).assemble(complete.msn()).ifPresent(whole ->
                    keep(event.streamId(), path(event.channel(), complete.rendition(), PlaybackPath.Kind.SEGMENT,
                            OptionalLong.of(complete.msn()), OptionalInt.empty()), whole));
        } else if (event instanceof PlaylistUpdate update) {
            channel.rendition(update.rendition()).update(update);
        } else if (event instanceof OriginEvent.StreamEnded) {
            channel.ended = true;
        }
    }

    /** The channel's state for this event's stream: a new stream id starts afresh and lets the old waiters go upstream. */
    private PushedChannel channelFor(OriginEvent event) {
        PushedChannel channel = channels.get(event.channel());
        if (channel != null && channel.streamId.equals(event.streamId())) {
            return channel;
        }
        if (channel != null) {
            channel.release(PushUnavailable.Reason.LOST);
        }
        PushedChannel fresh = new PushedChannel(event.streamId());
        channels.put(event.channel(), fresh);
        return fresh;
    }

    private void keep(StreamId streamId, PlaybackPath path, Buffer bytes) {
        cache.put(path.canonical(), CachedResponse.ok(PlaybackHeaders.MEDIA_TYPE, PlaybackHeaders.IMMUTABLE,
                Optional.of(PlaybackHeaders.etag(streamId, path)), bytes, immutableTtl));
    }

    private static PlaybackPath path(ChannelName channel, RenditionId rendition, PlaybackPath.Kind kind, OptionalLong msn,
                                     OptionalInt part) {
        return new PlaybackPath(channel, Optional.of(rendition), kind, msn, part, Optional.empty());
    }

    /** The rendition's pushed state, while pushes for its channel are current and a playlist has come. */
    public Optional<PushedRendition> current(ChannelName channel, RenditionId rendition) {
        PushedChannel pushed = channels.get(channel);
        if (pushed == null || !isCurrent(pushed)) {
            return Optional.empty();
        }
        PushedRendition state = pushed.renditions.get(rendition);
        return state != null && state.playlist().isPresent() ? Optional.of(state) : Optional.empty();
    }

    private boolean isCurrent(PushedChannel channel) {
        long silent = nanoTime.getAsLong() - channel.lastEventNanos;
        return silent < (channel.ended ? ENDED_LINGER : staleAfter).toNanos();
    }

    /** When the channel's last event arrived, by the node's nano clock (0 when none has). */
    public long lastEventNanos(ChannelName channel) {
        return Optional.ofNullable(channels.get(channel)).map(c -> c.lastEventNanos).orElse(0L);
    }

    /** How long a blocking request for the channel is held before 503, as the origin would. */
    public Duration blockingTimeout(ChannelName channel) {
        int target = Optional.ofNullable(channels.get(channel)).map(c -> c.targetDurationSeconds)
                .orElse(DEFAULT_TARGET_DURATION_SECONDS);
        return Duration.ofSeconds((long) BLOCKING_TARGET_DURATIONS * target);
    }

    /**
     * The rendition's playlist once it has segment {@code msn} (and part {@code part} of it): at
     * once when it has, else when it is pushed. Fails with a {@link PushUnavailable} when that cannot
     * come here: {@code TIMEOUT} after {@link #blockingTimeout}, {@code GONE} after {@code gone} turns
     * true; both are noticed by {@link #expireWaiters()}, at most one sweep late.
     */
    public Future<PlaylistUpdate> awaitPlaylist(ChannelName channel, RenditionId rendition, long msn, OptionalInt part,
                                                BooleanSupplier gone) {
        long deadline = nanoTime.getAsLong() + blockingTimeout(channel).toNanos();
        return current(channel, rendition).map(state -> state.awaitPlaylist(msn, part, deadline, gone))
                .orElseGet(() -> Future.failedFuture(new PushUnavailable(PushUnavailable.Reason.LOST)));
    }

    /** Part {@code part} of segment {@code msn}, as {@link #awaitPlaylist} waits for a playlist. */
    public Future<Buffer> awaitPart(ChannelName channel, RenditionId rendition, long msn, int part, BooleanSupplier gone) {
        long deadline = nanoTime.getAsLong() + blockingTimeout(channel).toNanos();
        return current(channel, rendition).map(state -> state.awaitPart(msn, part, deadline, gone))
                .orElseGet(() -> Future.failedFuture(new PushUnavailable(PushUnavailable.Reason.LOST)));
    }

    /** Lets go of held requests past their deadline or whose viewer left; call a few times a second. */
    public void expireWaiters() {
        long now = nanoTime.getAsLong();
        for (PushedChannel channel : channels.values()) {
            channel.renditions.values().forEach(rendition -> rendition.expire(now));
        }
    }

    /** Drops channels whose pushes stopped; their waiting requests go upstream. */
    public void dropStale() {
        Iterator<PushedChannel> it = channels.values().iterator();
        while (it.hasNext()) {
            PushedChannel channel = it.next();
            if (!isCurrent(channel)) {
                channel.release(PushUnavailable.Reason.LOST);
                it.remove();
            }
        }
    }

    /** No one here watches the channel any more. */
    public void forget(ChannelName channel) {
        PushedChannel dropped = channels.remove(channel);
        if (dropped != null) {
            dropped.release(PushUnavailable.Reason.LOST);
        }
    }

    /** Requests held for a push now. */
    public int waiting() {
        return channels.values().stream().flatMap(c -> c.renditions.values().stream()).mapToInt(PushedRendition::waiting).sum();
    }

    /** Told, for each pushed part, how long after its last media was ingested it arrived here (clocks in sync). */
    public void onPartAge(Consumer<Duration> listener) {
        this.partAge = listener;
    }

    public long partsReceived() {
        return partsReceived;
    }
}
