package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.testing.BrowserScripts;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private channel end to end: the packaged origin publishing it (Debian ffmpeg over RTMP), two
 * edges of two regions sharing the edge token, viewers with minted tokens in hls.js, shaka-player
 * and ffprobe; without or with a bad token nothing is served, a crowd of distinct tokens costs the
 * origin one fetch, and a revoked token stops at both edges within 2 s.
 */
class PrivateChannelIT {

    private static final Path CHECK = Path.of("target/private-check");
    private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    private static final String CHANNEL = "vip";
    private static final String EDGE_TOKEN = "edge-token-of-the-private-test-0123";

    /** The edge's fetches of one kind of object from the origin, in its metrics. */
    private static Pattern originFetches(String kind) {
        return Pattern.compile("(?m)^vcdn_edge_upstream_fetches_total\\{[^}]*kind=\"" + kind
                + "\",[^}]*source=\"origin\"[^}]*} (\\S+)$");
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LiveOrigin origin;
    private TestEdge eu;
    private TestEdge na;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "private-check.mjs"), List.of(LiveOrigin.FFMPEG, FFPROBE));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {eu, na, origin}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aPrivateChannelPlaysOnlyWithItsTokenOnEveryEdgeAndARevokedOneStopsWithinTwoSeconds(@TempDir Path dataDir)
            throws Exception {
        origin = LiveOrigin.start(dataDir, CHANNEL, "640x360", 240, Duration.ofSeconds(2), Map.of("VCDN_EDGE_TOKEN", EDGE_TOKEN));
        assertThat(origin.admin("PATCH", "/api/channels/" + CHANNEL, new JsonObject().put("private", true)).statusCode())
                .isEqualTo(200);
        String originUrl = "http://127.0.0.1:" + origin.httpPort();
        eu = TestEdge.start(originUrl, Map.of("VCDN_EDGE_TOKEN", EDGE_TOKEN, "VCDN_REGION", "eu"));
        na = TestEdge.start(originUrl, Map.of("VCDN_EDGE_TOKEN", EDGE_TOKEN, "VCDN_REGION", "na"));

        JsonObject minted = mint();
        String token = minted.getString("token");
        eu.awaitStatus(minted.getString("master"), 200);
        Map<String, String> objects = objectsOf(eu, token);

        theOriginIsNoBackDoor(originUrl);
        everyObjectIsRefusedWithoutOrWithABadToken(objects, token);
        ffprobeReadsTheMasterPath(eu.url() + minted.getString("master"));
        aCrowdOfDistinctTokensCostsTheOriginOneFetchPerObject(objects);
        aRegionBoundTokenPlaysOnlyInItsRegion(objects.get("init"));
        aRevokedTokenStopsAtBothEdgesWithinTwoSeconds(objects.get("init"));
        browsersPlayWithTheMintedPathsAndSayPrivateWithout();
    }

    private JsonObject mint() throws Exception {
        HttpResponse<String> minted = origin.admin("POST", "/api/channels/" + CHANNEL + "/playback-tokens", null);
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        return new JsonObject(minted.body());
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String body(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /** One plain path (no token) of every object type a player asks for, once a segment is complete. */
    private Map<String, String> objectsOf(TestEdge edge, String token) throws Exception {
        String prefix = edge.url() + "/t/" + token;
        String live = "/live/" + CHANNEL + "/";
        String variant = PlaylistParser.parseMultivariant(body(prefix + live + "master.m3u8")).variants().get(0).uri();
        String media = live + variant;
        String rendition = media.substring(0, media.lastIndexOf('/') + 1);
        MediaPlaylist playlist = PlaylistParser.parseMedia(body(prefix + media));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (playlist.segments().stream().filter(s -> s.parts().size() > 0).count() < 2) {
            assertThat(System.nanoTime()).as("two segments within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
            playlist = PlaylistParser.parseMedia(body(prefix + media));
        }
        Segment complete = playlist.segments().get(playlist.segments().size() - 2);
        Map<String, String> objects = new LinkedHashMap<>();
        objects.put("master", live + "master.m3u8");
        objects.put("media playlist", media);
        objects.put("blocking reload", media + "?_HLS_msn=" + playlist.nextMsn() + "&_HLS_part=0");
        objects.put("part", rendition + complete.parts().get(0).uri());
        objects.put("segment", rendition + complete.uri());
        objects.put("init", rendition + playlist.mapUri().orElseThrow());
        objects.put("thumbnail", live + "thumb.jpg");
        // The part the playlist hints next: asked for before it exists, held until it does.
        objects.put("preload hint part", rendition + playlist.preloadHint().orElseThrow());
        return objects;
    }

    private void theOriginIsNoBackDoor(String originUrl) throws Exception {
        assertThat(status(originUrl + "/live/" + CHANNEL + "/master.m3u8")).as("origin playback without a token").isEqualTo(401);
        assertThat(status(originUrl + "/live/" + CHANNEL + "/thumb.jpg")).as("origin thumbnail without a token").isEqualTo(401);
        assertThat(status(originUrl + "/events")).as("the event stream without the edge token").isEqualTo(401);
        assertThat(status(originUrl + "/.well-known/vcdn-access")).as("the access rules without the edge token").isEqualTo(401);
        JsonObject jwks = new JsonObject(body(originUrl + "/.well-known/jwks.json"));
        assertThat(jwks.getJsonArray("keys")).isNotEmpty();
        assertThat(new JsonObject(body(originUrl + "/api/streams").replaceFirst("^\\[", "{\"a\":[").replaceFirst("]$", "]}"))
                .getJsonArray("a")).as("a private channel is not listed").isEmpty();
    }

    private void everyObjectIsRefusedWithoutOrWithABadToken(Map<String, String> objects, String token) throws Exception {
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        // With the token first: the object is in the edge's cache when the others ask for it.
        for (Map.Entry<String, String> object : objects.entrySet()) {
            assertThat(status(eu.url() + "/t/" + token + object.getValue())).as("%s with the token", object.getKey())
                    .isEqualTo(200);
            assertThat(status(eu.url() + object.getValue())).as("%s without a token", object.getKey()).isEqualTo(401);
            assertThat(status(eu.url() + "/t/" + tampered + object.getValue())).as("%s with a tampered token", object.getKey())
                    .isEqualTo(403);
        }
        assertThat(status(eu.url() + "/t/" + "x".repeat(3000) + objects.get("master"))).as("an oversized token").isEqualTo(403);
    }

    private void ffprobeReadsTheMasterPath(String url) throws Exception {
        Process ffprobe = new ProcessBuilder(FFPROBE.toString(), "-v", "error", "-show_entries", "stream=codec_type",
                "-of", "csv=p=0", url).redirectErrorStream(true).start();
        String out = new String(ffprobe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffprobe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffprobe.exitValue()).as(out).isZero();
        assertThat(out).contains("video").contains("audio");
    }

    /**
     * 200 viewers, 200 different tokens, asking the na edge at once for a part, a segment, the init
     * segment and the thumbnail: one origin fetch each.
     */
    private void aCrowdOfDistinctTokensCostsTheOriginOneFetchPerObject(Map<String, String> objects) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tokens.add(mint().getString("token"));
        }
        Map<String, String> kinds = Map.of("part", "part", "segment", "segment", "init", "init", "thumbnail", "thumbnail");
        Map<String, Double> before = new LinkedHashMap<>();
        for (String kind : kinds.values()) {
            before.put(kind, counter(na, originFetches(kind)));
        }
        // One connection per viewer, as a crowd of browsers would have (one HTTP/2 connection takes only 256 streams at once).
        HttpClient crowd = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (String viewerToken : tokens) {
            for (String object : kinds.keySet()) {
                answers.add(crowd.sendAsync(HttpRequest.newBuilder(URI.create(na.url() + "/t/" + viewerToken + objects.get(object)))
                        .build(), HttpResponse.BodyHandlers.discarding()));
            }
        }
        for (CompletableFuture<HttpResponse<Void>> answer : answers) {
            assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        for (String kind : kinds.values()) {
            assertThat(counter(na, originFetches(kind)) - before.get(kind)).as("origin fetches of the %s", kind).isLessThanOrEqualTo(1);
        }
        assertThat(counter(na, originFetches("segment")) - before.get("segment")).as("origin fetches of the segment").isEqualTo(1);
    }

    private static double counter(TestEdge edge, Pattern pattern) throws Exception {
        Matcher m = pattern.matcher(edge.get("/metrics"));
        assertThat(m.find()).as("%s in /metrics", pattern).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private void aRevokedTokenStopsAtBothEdgesWithinTwoSeconds(String object) throws Exception {
        JsonObject minted = mint();
        String url = "/t/" + minted.getString("token") + object;
        assertThat(status(eu.url() + url)).isEqualTo(200);
        assertThat(status(na.url() + url)).isEqualTo(200);
        assertThat(origin.admin("POST", "/api/playback-revocations", new JsonObject().put("tokenId", minted.getString("id")))
                .statusCode()).isEqualTo(204);
        long revoked = System.nanoTime();
        boolean euRefuses = false;
        boolean naRefuses = false;
        while (!(euRefuses && naRefuses) && System.nanoTime() - revoked < TimeUnit.SECONDS.toNanos(5)) {
            euRefuses = euRefuses || status(eu.url() + url) == 403;
            naRefuses = naRefuses || status(na.url() + url) == 403;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked);
        System.out.println("private channel: a revoked token refused at both edges " + millis + " ms after the revocation");
        assertThat(euRefuses && naRefuses).as("refused at both edges").isTrue();
        assertThat(millis).as("ms from the revocation to refusal at both edges").isLessThan(2000);

        // Every token of the channel issued before now: refused at both edges as quickly; one minted after plays.
        String before = "/t/" + mint().getString("token") + object;
        assertThat(status(eu.url() + before)).isEqualTo(200);
        assertThat(status(na.url() + before)).isEqualTo(200);
        assertThat(origin.admin("POST", "/api/playback-revocations", new JsonObject().put("channel", CHANNEL)).statusCode())
                .isEqualTo(204);
        long cut = System.nanoTime();
        euRefuses = false;
        naRefuses = false;
        while (!(euRefuses && naRefuses) && System.nanoTime() - cut < TimeUnit.SECONDS.toNanos(5)) {
            euRefuses = euRefuses || status(eu.url() + before) == 403;
            naRefuses = naRefuses || status(na.url() + before) == 403;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        long channelMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
        System.out.println("private channel: the channel's earlier tokens refused at both edges " + channelMillis
                + " ms after the revocation");
        assertThat(euRefuses && naRefuses).as("the channel's earlier tokens refused at both edges").isTrue();
        assertThat(channelMillis).isLessThan(2000);
        String after = "/t/" + mint().getString("token") + object;
        assertThat(status(eu.url() + after)).as("a token minted after the cut-off").isEqualTo(200);
        assertThat(status(na.url() + after)).as("a token minted after the cut-off").isEqualTo(200);
    }

    /** A token for one region plays there and nowhere else. */
    private void aRegionBoundTokenPlaysOnlyInItsRegion(String object) throws Exception {
        HttpResponse<String> minted = origin.admin("POST", "/api/channels/" + CHANNEL + "/playback-tokens",
                new JsonObject().put("regions", new io.vertx.core.json.JsonArray().add("eu")));
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String url = "/t/" + new JsonObject(minted.body()).getString("token") + object;
        assertThat(status(eu.url() + url)).as("in its region").isEqualTo(200);
        assertThat(status(na.url() + url)).as("in another region").isEqualTo(403);
    }

    private void browsersPlayWithTheMintedPathsAndSayPrivateWithout() throws Exception {
        JsonObject minted = mint();
        JsonObject result = BrowserRun.run(CHECK, line -> {
        }, "node", "private-check.mjs", eu.url(), CHANNEL, minted.getString("watch"), minted.getString("master"));
        System.out.println("private channel in the browser: " + result.encode());
        assertThat(result.getString("bareState")).as("the watch page without a token").isEqualTo("private");
        assertThat(result.getJsonObject("watch").getDouble("played")).as("hls.js on the watch path: %s", result).isGreaterThan(3);
        assertThat(result.getJsonObject("shaka").getDouble("played")).as("shaka-player on the master path: %s", result)
                .isGreaterThan(3);
        assertThat(result.getJsonObject("watch").getJsonArray("untokened")).as("hls.js requests without the token").isEmpty();
        assertThat(result.getJsonObject("shaka").getJsonArray("untokened")).as("shaka requests without the token").isEmpty();
    }
}
