package dev.vcdn.bench.load;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.Part;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One viewer as an LL-HLS player behaves, on one event loop: the multivariant playlist, then one
 * rendition's init segment and its last parts (the hold-back), then for every part the preload
 * hint held and a blocking delta reload ({@code _HLS_msn}, {@code _HLS_part}, {@code _HLS_skip=YES})
 * at once, both answered when the part exists; now and then a switch to another rendition and a
 * thumbnail. Its playback is modelled: a part arriving after the buffer ran dry is a stall.
 */
final class VirtualViewer {

    enum Kind {
        /** Reads as fast as the network lets it. */
        STEADY,
        /** Reads at a fixed rate below the stream's bitrate: falls behind, stalls, may be cut off. */
        SLOW,
        /** Leaves now and then in the middle of a part, and comes back as a new viewer. */
        DROPPING
    }

    /** What differs between runs. */
    record Behaviour(String channel, long switchEveryNanos, long thumbnailEveryNanos, long slowBitsPerSecond,
                     double dropChancePerPart) {
    }

    /** @param retryAfterSeconds what a 503 said in Retry-After; 0 when nothing */
    private record Answer(int status, Buffer body, int retryAfterSeconds) {
    }

    static final String SINCE_ARRIVAL_HEADER = "Vcdn-Since-Arrival-Us";
    private static final int HOLD_BACK_PARTS = 3;
    /** What Chromium and Safari send: a server that compresses playlists does it for every browser. */
    private static final String BROWSER_ENCODINGS = "gzip, deflate, br";
    private static final long RETRY_MILLIS = 1000;
    private static final long REQUEST_IDLE_TIMEOUT_MILLIS = 15_000;
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([0-9]+)\\.([0-9]+)\\.m4s\"");
    private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final String host;
    private final int port;
    private final Kind kind;
    private final Behaviour behaviour;
    private final LoadStats stats;
    private final Random random;
    private List<String> renditions = List.of();
    private String base;
    private long msn;
    private int part;
    private long partNanos;
    private long nextSwitchNanos;
    private long nextThumbnailNanos;
    /** Bumped at every restart: answers to the requests of an earlier life are ignored. */
    private int life;
    private volatile boolean stopped;
    private volatile boolean playing;
    private volatile long bufferedUntilNanos;
    private volatile long lastStallNanos = Long.MIN_VALUE;

    VirtualViewer(Vertx vertx, HttpClientAgent client, String host, int port, Kind kind, Behaviour behaviour, LoadStats stats,
                  long seed) {
        this.vertx = vertx;
        this.client = client;
        this.host = host;
        this.port = port;
        this.kind = kind;
        this.behaviour = behaviour;
        this.stats = stats;
        this.random = new Random(seed);
    }

    Kind kind() {
        return kind;
    }

    /** Call on the viewer's own event loop. */
    void start() {
        long now = System.nanoTime();
        nextSwitchNanos = now + (long) (random.nextDouble() * 2 * behaviour.switchEveryNanos());
        nextThumbnailNanos = now + (long) (random.nextDouble() * behaviour.thumbnailEveryNanos());
        open(life);
    }

    void stop() {
        stopped = true;
        client.close();
    }

    /** Playing at {@code nowNanos}, and no stall since {@code sinceNanos}. */
    boolean playingWithoutStall(long sinceNanos, long nowNanos) {
        return playing && lastStallNanos < sinceNanos && nowNanos <= bufferedUntilNanos;
    }

    boolean playing() {
        return playing;
    }

    private void open(int asOf) {
        String channelBase = "/live/" + behaviour.channel() + "/";
        get(channelBase + "master.m3u8", false, null).onSuccess(answer -> {
            if (asOf != life || !ok(answer)) {
                return;
            }
            renditions = PlaylistParser.parseMultivariant(answer.body().toString()).variants().stream()
                    .map(Variant::uri).toList();
            String chosen = renditions.get(random.nextInt(renditions.size()));
            base = channelBase + chosen.substring(0, chosen.lastIndexOf('/') + 1);
            stats.joins.increment();
            join(asOf, true);
        });
    }

    /** The rendition's playlist and init segment; at the start also its last parts, the buffer a player starts with. */
    private void join(int asOf, boolean fillBuffer) {
        get(base + "index.m3u8", false, null).compose(answer -> {
            if (asOf != life || !ok(answer)) {
                return Future.failedFuture("left");
            }
            String text = answer.body().toString();
            MediaPlaylist playlist = PlaylistParser.parseMedia(text);
            Matcher hint = HINT.matcher(text);
            Matcher map = MAP.matcher(text);
            if (!hint.find() || !map.find() || playlist.partTarget().isEmpty()) {
                stats.error(kind, "no-hint");
                restartLater(asOf);
                return Future.failedFuture("no hint");
            }
            msn = Long.parseLong(hint.group(1));
            part = Integer.parseInt(hint.group(2));
            partNanos = (long) (playlist.partTarget().get() * 1e9);
            List<Future<?>> fetches = new ArrayList<>();
            fetches.add(get(base + map.group(1), false, null));
            if (fillBuffer) {
                for (String uri : lastParts(playlist)) {
                    fetches.add(get(base + uri, false, null));
                }
            }
            return Future.all(fetches).map(all -> fetches.size() - 1);
        }).onSuccess(bufferedParts -> {
            if (asOf != life) {
                return;
            }
            if (fillBuffer) {
                long now = System.nanoTime();
                if (playing && now > bufferedUntilNanos) {
                    // Back after an error: the picture froze meanwhile.
                    stalled(now);
                }
                bufferedUntilNanos = now + bufferedParts * partNanos;
                playing = true;
            }
            next(asOf);
        });
    }

    private static List<String> lastParts(MediaPlaylist playlist) {
        List<String> uris = new ArrayList<>();
        for (Segment segment : playlist.segments()) {
            segment.parts().forEach(p -> uris.add(p.uri()));
        }
        playlist.pendingParts().stream().map(Part::uri).forEach(uris::add);
        return uris.subList(Math.max(0, uris.size() - HOLD_BACK_PARTS), uris.size());
    }

    /** The hinted part and the blocking reload that lists it, at once; then the part after it. */
    private void next(int asOf) {
        if (stopped || asOf != life) {
            return;
        }
        long now = System.nanoTime();
        if (now > nextThumbnailNanos) {
            nextThumbnailNanos = now + behaviour.thumbnailEveryNanos();
            stats.thumbnails.increment();
            get("/live/" + behaviour.channel() + "/thumb.jpg", false, null);
        }
        if (now > nextSwitchNanos && renditions.size() > 1) {
            nextSwitchNanos = now + (long) (random.nextDouble() * 2 * behaviour.switchEveryNanos());
            String chosen = renditions.get(random.nextInt(renditions.size()));
            base = "/live/" + behaviour.channel() + "/" + chosen.substring(0, chosen.lastIndexOf('/') + 1);
            stats.switches.increment();
            join(asOf, false);
            return;
        }
        boolean drop = kind == Kind.DROPPING && random.nextDouble() < behaviour.dropChancePerPart();
        Future<Answer> partAnswer = get(base + msn + "." + part + ".m4s", drop, stats.heldParts, true);
        partAnswer.onSuccess(answer -> {
            if (asOf == life && answer.status() == 200) {
                arrived(System.nanoTime());
            }
        });
        Future<Answer> reload = get(base + "index.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part + "&_HLS_skip=YES", false,
                stats.heldReloads);
        Future.all(partAnswer, reload).onComplete(done -> {
            if (asOf != life) {
                return;
            }
            // A hinted part its segment closed without is answered 404: LL-HLS players go on with the next hint.
            boolean partNeverMade = done.succeeded() && partAnswer.result().status() == 404;
            if (partNeverMade) {
                stats.hintsNeverMade.increment();
            }
            if (done.failed() || (!partNeverMade && !ok(partAnswer.result())) || !ok(reload.result())) {
                restartLater(asOf);
                return;
            }
            Matcher hint = HINT.matcher(reload.result().body().toString());
            if (!hint.find()) {
                // The stream ended (no hint after EXT-X-ENDLIST) or the playlist is not what we asked for.
                stats.error(kind, "no-hint");
                restartLater(asOf);
                return;
            }
            msn = Long.parseLong(hint.group(1));
            part = Integer.parseInt(hint.group(2));
            next(asOf);
        });
    }

    /** A part came: it plays after the buffered ones, or, when the buffer ran dry before it, after a stall. */
    private void arrived(long now) {
        if (now > bufferedUntilNanos) {
            stalled(now);
            bufferedUntilNanos = now + partNanos;
        } else {
            bufferedUntilNanos += partNanos;
        }
    }

    private void stalled(long now) {
        (kind == Kind.STEADY ? stats.stalls : stats.otherStalls).increment();
        if (kind == Kind.STEADY) {
            stats.stalledMicros.add(TimeUnit.NANOSECONDS.toMicros(now - bufferedUntilNanos));
        }
        lastStallNanos = now;
    }

    private boolean ok(Answer answer) {
        if (answer.status() == 200) {
            return true;
        }
        restartLater(life, answer.retryAfterSeconds() > 0 ? TimeUnit.SECONDS.toMillis(answer.retryAfterSeconds()) : RETRY_MILLIS);
        return false;
    }

    private void restartLater(int asOf) {
        restartLater(asOf, RETRY_MILLIS);
    }

    /** After an error: a while later (a second, or what the server's Retry-After said), from the multivariant playlist. */
    private void restartLater(int asOf, long delayMillis) {
        if (asOf != life || stopped) {
            return;
        }
        int next = ++life;
        vertx.setTimer(delayMillis, id -> {
            if (!stopped) {
                open(next);
            }
        });
    }

    /** Leaves in the middle of an answer and comes back at once as a new viewer. */
    private void leaveAndComeBack() {
        stats.drops.increment();
        int next = ++life;
        playing = false;
        if (!stopped) {
            open(next);
        }
    }

    /**
     * One GET; a failure is an error of its own kind and a restart. {@code held}: the histogram for
     * the edge's own delay when the answer was held for a push.
     */
    private Future<Answer> get(String uri, boolean dropMidway, DelayHistogram held) {
        return get(uri, dropMidway, held, false);
    }

    /** @param mayNotExist a 404 is an answer, not an error (a preload-hinted part) */
    private Future<Answer> get(String uri, boolean dropMidway, DelayHistogram held, boolean mayNotExist) {
        stats.requests.increment();
        RequestOptions options = new RequestOptions().setHost(host).setPort(port).setURI(uri)
                .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MILLIS).putHeader(HttpHeaders.ACCEPT_ENCODING, BROWSER_ENCODINGS);
        int asOf = life;
        return client.request(options).compose(request -> request.send()).compose(response -> {
            if (response.statusCode() != 200 && !(mayNotExist && response.statusCode() == 404)) {
                stats.error(kind, Integer.toString(response.statusCode()));
            }
            String since = response.getHeader(SINCE_ARRIVAL_HEADER);
            if (since != null && held != null) {
                held.record(Long.parseLong(since));
            }
            if (dropMidway) {
                response.exceptionHandler(ignored -> { });
                response.request().connection().close();
                leaveAndComeBack();
                return Future.failedFuture("left midway");
            }
            Future<Buffer> body = kind == Kind.SLOW ? slowly(response) : response.body();
            return body.map(bytes -> {
                stats.bytes.add(bytes.length());
                return new Answer(response.statusCode(), bytes, retryAfter(response.getHeader(HttpHeaders.RETRY_AFTER)));
            });
        }).onFailure(error -> {
            if (!"left midway".equals(error.getMessage()) && !stopped && asOf == life) {
                stats.error(kind, LoadStats.NO_ANSWER + ":" + error.getClass().getSimpleName());
                restartLater(asOf);
            }
        });
    }

    private static int retryAfter(String header) {
        try {
            return header == null ? 0 : Math.min(60, Integer.parseInt(header.trim()));
        } catch (NumberFormatException notSeconds) {
            return 0;
        }
    }

    /** The body read a chunk at a time, each after the pause its bits take at the slow rate. */
    private Future<Buffer> slowly(HttpClientResponse response) {
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.pause();
        response.handler(chunk -> {
            received.appendBuffer(chunk);
            long waitMillis = chunk.length() * 8L * 1000 / behaviour.slowBitsPerSecond();
            vertx.setTimer(Math.max(1, waitMillis), id -> response.fetch(1));
        });
        response.endHandler(ignored -> body.tryComplete(received));
        response.exceptionHandler(body::tryFail);
        response.fetch(1);
        return body.future();
    }
}
