package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.ClusteredOrigin;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestAuthServer;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.testing.BrowserScripts;
import dev.vcdn.shared.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin packaging a channel dies (SIGKILL) while a viewer watches on the edge's watch page
 * (hls.js in Debian's Chromium); the streamer's encoder reconnects to the other origin of the
 * cluster, which continues the broadcast from the sequence state the cluster holds. The edge,
 * told both origins, moves to the one alive; the viewer goes on after a stall, on the same page.
 * Two packaged origins sharing an auth server, an edge, Debian's ffmpeg publishing.
 */
class FailoverIT {

    private static final Path CHECK = Path.of("target/reconnect-check");
    private static final String KEY = "alice-key-0123456789";
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private TestAuthServer auth;
    private ClusteredOrigin a;
    private ClusteredOrigin b;
    private TestEdge edge;
    private Process publisher;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "reconnect-check.mjs"), List.of(LiveOrigin.FFMPEG));
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
        if (edge != null) {
            edge.close();
        }
        for (ClusteredOrigin origin : new ClusteredOrigin[] {a, b}) {
            if (origin != null) {
                origin.close();
            }
        }
        if (auth != null) {
            auth.close();
        }
    }

    @Test
    void aViewerWatchesThroughTheDeathOfTheOriginThatPackagedTheChannel(@TempDir Path dataDir) throws Exception {
        auth = TestAuthServer.start(Map.of(KEY, "alice"));
        String cluster = "failover-" + UUID.randomUUID();
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        a = ClusteredOrigin.start(dataDir.resolve("a"), cluster, portA, portB, auth.url(), GRACE);
        b = ClusteredOrigin.start(dataDir.resolve("b"), cluster, portB, portA, auth.url(), GRACE);
        edge = TestEdge.start(a.httpUrl() + "," + b.httpUrl());
        publisher = LiveOrigin.publisher(a.rtmpUrl(KEY), "426x240", 300);
        edge.awaitStatus("/live/alice/master.m3u8", 200);
        String video = firstVariant();

        String playlistPath = "/live/alice/" + video + "/index.m3u8";
        List<MediaPlaylist> beforeDeath = new ArrayList<>();
        List<MediaPlaylist> joined = new ArrayList<>();
        long[] acceptedByB = new long[1];
        JsonObject result = BrowserRun.run(CHECK, line -> {
            if (line.equals("FAIL-ORIGIN")) {
                beforeDeath.add(PlaylistParser.parseMedia(edge.get(playlistPath)));
                long killedAt = System.nanoTime();
                a.close();
                publisher.destroyForcibly(); // its connection died with the origin
                publisher = publishUntilAccepted(b);
                acceptedByB[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                joined.add(firstWithMediaAfterAJoin(playlistPath));
            }
        }, "node", "reconnect-check.mjs", edge.url(), "alice", "failover");
        MediaPlaylist after = PlaylistParser.parseMedia(edge.get(playlistPath));
        JsonObject failover = result.getJsonObject("failover");
        System.out.println("failover check: publisher accepted by B " + acceptedByB[0] + " ms after the kill; "
                + "playback resumed " + failover.getValue("resumedAfterSeconds") + " s after it; " + failover.encode());

        assertThat(result.getJsonArray("errors")).as("script errors on the page").isEmpty();
        assertThat(result.getInteger("navigations")).as("the page was never loaded again").isEqualTo(1);
        JsonArray samples = failover.getJsonArray("after");
        List<String> states = new ArrayList<>();
        samples.forEach(sample -> states.add(((JsonObject) sample).getString("state")));
        assertThat(states).as("never ended: the broadcast went on at origin B").doesNotContain("ended");
        JsonObject last = samples.getJsonObject(samples.size() - 1);
        assertThat(last.getBoolean("marker")).as("the same page and playback").isTrue();
        assertThat(last.getString("state")).isEqualTo("playing");
        assertThat(failover.getValue("resumedAfterSeconds")).as("playback went on after a stall").isNotNull();
        assertThat(last.getDouble("time") - failover.getJsonObject("before").getDouble("time"))
                .as("seconds played after the death of origin A").isGreaterThan(15.0);

        MediaPlaylist before = beforeDeath.get(0);
        long newestOfA = before.segments().get(before.segments().size() - 1).msn() + (before.pendingParts().isEmpty() ? 0 : 1);
        MediaPlaylist join = joined.get(0);
        Segment firstOfB = join.segments().stream().filter(segment -> !segment.gap()).findFirst().orElseThrow();
        assertThat(join.mediaSequence()).as("numbered on from origin A's segments, not from a new start")
                .isLessThanOrEqualTo(newestOfA + 1);
        assertThat(firstOfB.msn()).as("no number origin A may have served holds origin B's media").isGreaterThan(newestOfA);
        assertThat(firstOfB.discontinuity()).as("origin B's media after a discontinuity").isTrue();
        assertThat(join.segments()).filteredOn(segment -> segment.msn() < firstOfB.msn()).as("gaps up to it")
                .isNotEmpty().allMatch(Segment::gap);
        assertThat(after.endList()).isFalse();
        assertThat(after.mediaSequence()).isGreaterThan(join.mediaSequence());
    }

    /** The edge's playlist once it lists origin B's first media segment (within 20 s). */
    private MediaPlaylist firstWithMediaAfterAJoin(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            MediaPlaylist playlist = PlaylistParser.parseMedia(edge.get(path));
            if (playlist.segments().stream().anyMatch(segment -> segment.discontinuity() && !segment.gap())) {
                return playlist;
            }
            assertThat(System.nanoTime()).as("origin B's segments at the edge within 20 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Publishes to {@code origin} until it takes the channel: refused while the cluster still counts the dead holder. */
    private Process publishUntilAccepted(ClusteredOrigin origin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            Process attempt = LiveOrigin.publisher(origin.rtmpUrl(KEY), "426x240", 300);
            while (attempt.isAlive() && !holds(origin)) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            if (attempt.isAlive()) {
                return attempt;
            }
            assertThat(System.nanoTime()).as("origin B took the publisher within 40 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private boolean holds(ClusteredOrigin origin) throws Exception {
        String streams = http.send(HttpRequest.newBuilder(URI.create(origin.httpUrl() + "/api/streams")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new JsonArray(streams).stream().map(JsonObject.class::cast)
                .anyMatch(stream -> "alice".equals(stream.getString("channel")) && origin.httpUrl().endsWith(
                        ":" + URI.create(stream.getString("node")).getPort()));
    }

    private String firstVariant() throws Exception {
        String uri = PlaylistParser.parseMultivariant(edge.get("/live/alice/master.m3u8")).variants().get(0).uri();
        return uri.substring(0, uri.indexOf('/'));
    }
}
