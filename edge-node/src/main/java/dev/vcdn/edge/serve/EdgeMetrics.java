package dev.vcdn.edge.serve;

import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.shared.http.PlaybackPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** What an edge counts for {@code /metrics}: cache hits and misses, upstream fetches, pushes, bytes and viewers. */
public final class EdgeMetrics {

    public enum Source {
        ORIGIN,
        PEER
    }

    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Counter bytesOut;
    private final Counter answeredFromPush;
    private final Timer pushToResponse;
    private final Counter cutOff;
    private final Counter tokenMissing;
    private final Counter tokenRefused;
    /** The upstream kind of {@code /api/streams}; the others are the playback object kinds. */
    static final String STREAMS_KIND = "streams";
    static final String RECORDING_KIND = "recording";

    private final Map<String, Map<Source, Counter>> upstream = new HashMap<>();
    /** Answers by status code, registered at a code's first use (from any loop: the registry hands out one meter per code). */
    private final Counter[] responses = new Counter[600];
    private final AtomicLong bytesOutTotal = new AtomicLong();

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hits = Counter.builder("vcdn.edge.cache.hits").description("Playback requests answered from the cache").register(registry);
        this.misses = Counter.builder("vcdn.edge.cache.misses").description("Playback requests the cache could not answer")
                .register(registry);
        this.bytesOut = Counter.builder("vcdn.edge.sent").baseUnit("bytes")
                .description("Playback body bytes sent to viewers and region peers").register(registry);
        this.answeredFromPush = Counter.builder("vcdn.edge.blocking.answered")
                .description("Blocking playlist and preload-hint requests answered from pushed state").register(registry);
        this.pushToResponse = Timer.builder("vcdn.edge.push.to.response")
                .description("From a pushed part's arrival to the answer of a request held for it").register(registry);
        this.cutOff = Counter.builder("vcdn.edge.viewers.cut.off")
                .description("Viewer connections closed because their answers stayed backed up longer than viewers.write-deadline")
                .register(registry);
        this.tokenMissing = Counter.builder("vcdn.edge.private.refused").tag("reason", "no-token")
                .description("Requests for private channels refused: without a token (401), or with a bad one (403)")
                .register(registry);
        this.tokenRefused = Counter.builder("vcdn.edge.private.refused").tag("reason", "bad-token")
                .description("Requests for private channels refused: without a token (401), or with a bad one (403)")
                .register(registry);
        for (PlaybackPath.Kind kind : PlaybackPath.Kind.values()) {
            upstream.put(kind.name().toLowerCase(Locale.ROOT), upstreamCounters(kind.name().toLowerCase(Locale.ROOT)));
        }
        upstream.put(STREAMS_KIND, upstreamCounters(STREAMS_KIND));
        upstream.put(RECORDING_KIND, upstreamCounters(RECORDING_KIND));
    }

    static String kind(PlaybackPath.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** Meters read from live state: called once the state exists. */
    /** The recordings' cache, apart from the live one. */
    public void watchRecordings(ResponseCache recordings) {
        Gauge.builder("vcdn.edge.recording.cache.bytes", recordings, ResponseCache::weightedSize).baseUnit("bytes")
                .description("Bytes held by the recordings' cache (a share of cache.max-bytes)").register(registry);
        Gauge.builder("vcdn.edge.recording.cache.native.bytes", recordings, ResponseCache::nativeBytes).baseUnit("bytes")
                .description("Native memory of the recordings' cached bodies not freed yet").register(registry);
    }

    public void watch(ResponseCache cache, PushedStreams pushed, ViewerCount viewers, Supplier<Number> collapsed) {
        Gauge.builder("vcdn.edge.cache.bytes", cache, ResponseCache::weightedSize).baseUnit("bytes")
                .description("Bytes held by the cache").register(registry);
        Gauge.builder("vcdn.edge.cache.entries", cache, ResponseCache::size).description("Objects held by the cache")
                .register(registry);
        Gauge.builder("vcdn.edge.cache.native.bytes", cache, ResponseCache::nativeBytes).baseUnit("bytes")
                .description("Native memory of cached bodies not freed yet: kept, left within the last seconds, or being sent")
                .register(registry);
        FunctionCounter.builder("vcdn.edge.pushed.parts", pushed, PushedStreams::partsReceived)
                .description("Parts pushed to this edge before any viewer asked").register(registry);
        Timer partAge = Timer.builder("vcdn.edge.part.age")
                .description("From a part's last media reaching the origin's ingest (its PROGRAM-DATE-TIME) to the part "
                        + "arriving here; minus vcdn.packager.part.age at the origin, the push's transit")
                .register(registry);
        pushed.onPartAge(age -> partAge.record(age.isNegative() ? Duration.ZERO : age));
        FunctionCounter.builder("vcdn.edge.collapsed.requests", collapsed, c -> c.get().doubleValue())
                .description("Requests that waited on another request's upstream fetch").register(registry);
        Gauge.builder("vcdn.edge.blocking.held", pushed, PushedStreams::waiting)
                .description("Blocking requests held for a pushed part now").register(registry);
        Gauge.builder("vcdn.edge.viewers", viewers, ViewerCount::count)
                .description("Distinct clients answered a playlist recently").register(registry);
        FunctionCounter.builder("vcdn.edge.viewers.refused", viewers, ViewerCount::refused)
                .description("Playlist requests of new viewers answered 503 because this node was full (viewers.max)").register(registry);
    }

    /** An answer with this status went to a client of the viewer-facing server. */
    void answered(int status) {
        int code = status >= 100 && status < responses.length ? status : 0;
        Counter counter = responses[code];
        if (counter == null) {
            counter = Counter.builder("vcdn.edge.responses").description("Answers of the viewer-facing HTTP server, by status code")
                    .tag("code", code == 0 ? "other" : Integer.toString(code)).register(registry);
            responses[code] = counter;
        }
        counter.increment();
    }

    /** A private channel's request refused with {@code status} (401 or 403). */
    public void refused(int status) {
        (status == 401 ? tokenMissing : tokenRefused).increment();
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    private Map<Source, Counter> upstreamCounters(String kind) {
        Map<Source, Counter> bySource = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            bySource.put(source, Counter.builder("vcdn.edge.upstream.fetches")
                    .description("Requests this edge made upstream, by object kind and by whom it asked")
                    .tag("kind", kind).tag("source", source.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        return bySource;
    }

    void upstream(String kind, Source source) {
        upstream.get(kind).get(source).increment();
    }

    void sent(long bytes) {
        bytesOut.increment(bytes);
        bytesOutTotal.addAndGet(bytes);
    }

    void answeredFromPush(long sinceArrivalNanos) {
        answeredFromPush.increment();
        pushToResponse.record(sinceArrivalNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void cutOff() {
        cutOff.increment();
    }

    public long bytesOutTotal() {
        return bytesOutTotal.get();
    }
}
