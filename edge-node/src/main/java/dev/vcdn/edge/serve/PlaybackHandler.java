package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.Collapser;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.live.PushUnavailable;
import dev.vcdn.edge.live.PushedRendition;
import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.edge.region.RegionRelay;
import dev.vcdn.edge.upstream.Origins;
import dev.vcdn.edge.upstream.Upstream;
import dev.vcdn.shared.events.OriginEvent.PlaylistUpdate;
import dev.vcdn.shared.http.PlaybackHeaders;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playback URLs at the edge, answered like the origin would: from pushed state (playlists,
 * blocking reloads, preload-hinted parts, the moment they exist), else from the cache, else by
 * one collapsed fetch from the region's owner of the channel or the origin. Only canonical
 * requests get past the first line. A channel is followed (its events pushed to the region)
 * once something of it was found, never for a request that found nothing: names made up by the
 * thousand cost one short-lived 404 each, not a subscription at the origin. Event-loop owned,
 * with the state it reads.
 */
public final class PlaybackHandler {

    private static final Logger log = LoggerFactory.getLogger(PlaybackHandler.class);
    static final String STREAMS = "/api/streams";
    /**
     * The longest a playlist of a channel live nowhere is answered 404 from memory: a crowd waiting
     * for a channel to go live costs the origin a few requests a second per edge, and sees it go
     * live at most this late (a second, the origin's max-age, cost a viewer polling for it that
     * much of the go-live time). The origin says which 404s may be kept: never one for a channel
     * going live there, whose playlist is a moment away.
     */
    static final Duration NOT_FOUND_TTL = Duration.ofMillis(250);
    /**
     * On an answer held for a push (a blocking reload, a preload-hinted part): microseconds from the
     * push's arrival here to the answer, what a viewer load generator reads to see the edge's own
     * delay, apart from the network's and the origin's.
     */
    public static final String SINCE_ARRIVAL_HEADER = "Vcdn-Since-Arrival-Us";
    /** How long a recording's immutable object is kept here. */
    static final Duration RECORDING_OBJECT_TTL = Duration.ofHours(1);

    private final ResponseCache cache;
    private final ResponseCache recordings;
    private final PushedStreams pushed;
    private final RegionRelay region;
    private final Upstream upstream;
    private final EdgeMetrics metrics;
    private final ViewerCount viewers;
    private final LongSupplier nanoTime;
    private final Collapser<String, CachedResponse> collapser = new Collapser<>();
    private final Origins origins;

    /**
     * @param cache      live objects and playlists
     * @param recordings recordings' objects and playlists, apart: past broadcasts never push live parts out
     */
    public PlaybackHandler(ResponseCache cache, ResponseCache recordings, PushedStreams pushed, RegionRelay region,
                           Upstream upstream, EdgeMetrics metrics, ViewerCount viewers, Origins origins, LongSupplier nanoTime) {
        this.cache = cache;
        this.recordings = recordings;
        this.pushed = pushed;
        this.region = region;
        this.upstream = upstream;
        this.metrics = metrics;
        this.viewers = viewers;
        this.nanoTime = nanoTime;
        this.origins = origins;
    }

    public Collapser<String, CachedResponse> collapser() {
        return collapser;
    }

    /** A canonical playback request, on the core event loop (the connection may belong to another). */
    void handle(ViewerRequest request, PlaybackPath path) {
        switch (path.object()) {
            case MEDIA_PLAYLIST -> mediaPlaylist(request, path);
            case PART -> part(request, path);
            default -> cachedOrFetched(request, path);
        }
    }

    private void mediaPlaylist(ViewerRequest request, PlaybackPath path) {
        ChannelName channel = path.channel();
        RenditionId rendition = path.rendition().orElseThrow();
        Optional<PushedRendition> state = pushed.current(channel, rendition);
        if (state.isEmpty()) {
            cachedOrFetched(request, path);
            return;
        }
        PlaylistUpdate latest = state.get().playlist().orElseThrow();
        // A playlist with EXT-X-ENDLIST never blocks, as at the origin.
        if (path.msn().isEmpty() || latest.ended()) {
            respond(request, path, playlistResponse(state.get(), path, latest));
            return;
        }
        long msn = path.msn().getAsLong();
        if (latest.liveEdge().tooFarAhead(msn)) {
            Responses.fail(request, 400);
            return;
        }
        Future<PlaylistUpdate> waiting = pushed.awaitPlaylist(channel, rendition, msn, path.part(), request::gone);
        hold(request, path, waiting).onSuccess(update -> respond(request, path, playlistResponse(state.get(), path, update)));
    }

    /** The pushed playlist as this request asks for it (whole or delta), made and gzipped once per push for everyone. */
    private static CachedResponse playlistResponse(PushedRendition state, PlaybackPath path, PlaylistUpdate update) {
        return state.answer(update, path.skip().isPresent(), path.msn().isPresent());
    }

    /** A part: cached (pushed) already, or the preload-hinted next part held until it is pushed, or fetched. */
    private void part(ViewerRequest request, PlaybackPath path) {
        Optional<CachedResponse> cached = cache.get(path.canonical());
        if (cached.isPresent()) {
            metrics.hit();
            respond(request, path, cached.get());
            return;
        }
        ChannelName channel = path.channel();
        RenditionId rendition = path.rendition().orElseThrow();
        Optional<PlaylistUpdate> latest = pushed.current(channel, rendition).flatMap(PushedRendition::playlist);
        long msn = path.msn().getAsLong();
        int index = path.part().getAsInt();
        if (latest.isEmpty() || latest.get().ended() || !latest.get().liveEdge().mayHold(msn, index)) {
            cachedOrFetched(request, path);
            return;
        }
        hold(request, path, pushed.awaitPart(channel, rendition, msn, index, request::gone)).onSuccess(bytes -> respond(request, path,
                cache.get(path.canonical()).orElseGet(() -> CachedResponse.ok(PlaybackHeaders.MEDIA_TYPE,
                        PlaybackHeaders.IMMUTABLE, Optional.empty(), bytes, Duration.ZERO))));
    }

    /**
     * Holds a request until the pushed object arrives: 503 after the origin's blocking timeout,
     * 404 when the stream ends first, upstream when pushes stop, nothing when the viewer left.
     * Costs a promise in a list, not a thread or a timer.
     */
    private <T> Future<T> hold(ViewerRequest request, PlaybackPath path, Future<T> waiting) {
        if (waiting.isComplete() && waiting.succeeded()) {
            return waiting;
        }
        return waiting.transform(done -> {
            if (request.gone()) {
                // Its viewer left while it was held: nothing to answer, nothing to fetch or count for it.
                return Future.<T>failedFuture(new PushUnavailable(PushUnavailable.Reason.GONE));
            }
            if (done.succeeded()) {
                long sinceArrival = Math.max(0, nanoTime.getAsLong() - pushed.lastEventNanos(path.channel()));
                metrics.answeredFromPush(sinceArrival);
                request.answeredFromPush(sinceArrival / 1000);
                return Future.succeededFuture(done.result());
            }
            PushUnavailable.Reason reason = done.cause() instanceof PushUnavailable unavailable ? unavailable.reason() : null;
            if (reason == PushUnavailable.Reason.LOST) {
                cachedOrFetched(request, path);
            } else if (reason == PushUnavailable.Reason.TIMEOUT) {
                Responses.fail(request, 503);
            } else if (reason != PushUnavailable.Reason.GONE) {
                Responses.fail(request, 404);
            }
            return Future.<T>failedFuture(done.cause());
        });
    }

    /** From the cache, else one fetch upstream shared by everyone asking for the same object meanwhile. */
    private void cachedOrFetched(ViewerRequest request, PlaybackPath path) {
        cachedOrFetched(request, cache, path.canonical(), () -> fetch(path, region.peerToFill(path.channel(), request.fromPeer()),
                request.token())
                .map(response -> remembered(path, response)), answer -> respond(request, path, answer));
    }

    /**
     * A recording's playlist or object: from the recordings' cache, else one fetch shared by
     * everyone asking meanwhile, from the channel's owner in the region or the origin. Watching a
     * recording does not make the region follow the live channel.
     */
    void recording(ViewerRequest request, RecordingPath path) {
        cachedOrFetched(request, recordings, path.canonical(), () -> fetch(path.channel(), path.canonical(),
                EdgeMetrics.RECORDING_KIND, region.peerToFill(path.channel(), request.fromPeer()), request.token())
                .map(PlaybackHandler::keptAsRecorded), answer -> {
                    if (answer.status() < 300 && path.isPlaylist() && !request.fromPeer()) {
                        viewers.seen(request.client());
                    }
                    Responses.send(request, answer, metrics);
                });
    }

    /**
     * A 404 the origin lets us keep (the channel is live nowhere) is kept at most a second, and only
     * for a playlist: a part not made yet is held for, never remembered as missing.
     */
    private static CachedResponse remembered(PlaybackPath path, CachedResponse response) {
        if (response.status() != 404) {
            return response;
        }
        Duration kept = path.isPlaylist() ? response.timeToLive() : Duration.ZERO;
        return response.keptFor(kept.compareTo(NOT_FOUND_TTL) > 0 ? NOT_FOUND_TTL : kept);
    }

    private void cachedOrFetched(ViewerRequest request, ResponseCache in, String key, Supplier<Future<CachedResponse>> fetch,
                                 Consumer<CachedResponse> respond) {
        Optional<CachedResponse> cached = in.get(key);
        if (cached.isPresent()) {
            metrics.hit();
            respond.accept(cached.get());
            return;
        }
        metrics.miss();
        collapser.get(key, () -> fetch.get().map(response -> in.put(key, response.withGzip())))
                .onSuccess(answer -> {
                    if (refusedForAToken(answer) && request.token() != null && upstream.fillsUnderViewerTokens()) {
                        // Filled under another viewer's token (no edge credential) and refused upstream: that
                        // refusal was that token's, not this viewer's, who asks with its own (refusals are never cached).
                        fetch.get().onSuccess(respond::accept).onFailure(error -> Responses.fail(request, 502));
                    } else {
                        respond.accept(answer);
                    }
                })
                .onFailure(error -> Responses.fail(request, 502));
    }

    private static boolean refusedForAToken(CachedResponse answer) {
        return answer.status() == 401 || answer.status() == 403;
    }

    /** {@code /api/streams}: the origin's list of live channels, cached as briefly as it says. */
    void streams(ViewerRequest request) {
        cachedOrFetched(request, cache, STREAMS, () -> {
            metrics.upstream(EdgeMetrics.STREAMS_KIND, EdgeMetrics.Source.ORIGIN);
            return fromOrigin(STREAMS, null, origins.count());
        }, answer -> Responses.send(request, answer, metrics));
    }

    /**
     * A recording's segment or init segment never changes: kept for {@link #RECORDING_OBJECT_TTL}
     * (the recordings' share of the cache bounds how much), not the few seconds that live parts
     * need. Playlists and lists keep their own max-age.
     */
    private static CachedResponse keptAsRecorded(CachedResponse answer) {
        boolean immutable = answer.status() == 200 && answer.cacheControl().map(c -> c.contains("immutable")).orElse(false);
        return immutable ? answer.keptFor(RECORDING_OBJECT_TTL) : answer;
    }

    /** {@code /api/recordings[?channel=]}: the origin's list, cached as briefly as it says, beside the recordings. */
    void recordingList(ViewerRequest request, String target) {
        cachedOrFetched(request, recordings, target, () -> {
            metrics.upstream(EdgeMetrics.RECORDING_KIND, EdgeMetrics.Source.ORIGIN);
            return fromOrigin(target, null, origins.count());
        }, answer -> Responses.send(request, answer, metrics));
    }

    /**
     * One fetch from the origin in use; one it cannot reach is given up for the next (when there
     * are several), which is asked at once.
     */
    private Future<CachedResponse> fromOrigin(String target, String token, int attemptsLeft) {
        URI origin = origins.current();
        return upstream.fetch(origin, target, false, token).recover(error -> {
            if (attemptsLeft <= 1 || !Upstream.unreachable(error)) {
                return Future.failedFuture(error);
            }
            origins.failed(origin, error.toString());
            return fromOrigin(target, token, attemptsLeft - 1);
        });
    }

    /** From the region's owner of the channel when there is one; from the origin when it cannot fill, or without one. */
    private Future<CachedResponse> fetch(PlaybackPath path, Optional<URI> peer, String token) {
        return fetch(path.channel(), path.canonical(), EdgeMetrics.kind(path.object()), peer, token);
    }

    private Future<CachedResponse> fetch(ChannelName channel, String target, String kind, Optional<URI> peer, String token) {
        if (peer.isEmpty()) {
            metrics.upstream(kind, EdgeMetrics.Source.ORIGIN);
            return fromOrigin(target, token, origins.count());
        }
        metrics.upstream(kind, EdgeMetrics.Source.PEER);
        return upstream.fetch(peer.get(), target, true, token).transform(done -> {
            if (done.succeeded() && done.result().status() < 500) {
                return Future.succeededFuture(done.result());
            }
            log.info("region peer could not fill: channel={} peer={} reason={}", channel, peer.get(),
                    done.failed() ? done.cause().getMessage() : "status " + done.result().status());
            return fetch(channel, target, kind, Optional.empty(), token);
        });
    }

    /**
     * Sends the answer; one that found something of the channel to play keeps it followed in the
     * region (a thumbnail does not: a directory page shows hundreds, watched by nobody), and a
     * playlist answered to a viewer counts the viewer.
     */
    private void respond(ViewerRequest request, PlaybackPath path, CachedResponse answer) {
        if (answer.status() < 300 && path.object() != PlaybackPath.Kind.THUMBNAIL) {
            region.touch(path.channel());
        }
        if (answer.status() < 300 && path.isPlaylist() && !request.fromPeer()) {
            viewers.seen(request.client());
        }
        Responses.send(request, answer, metrics);
    }
}
