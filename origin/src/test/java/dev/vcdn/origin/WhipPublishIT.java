package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.origin.testing.HlsjsScripts;
import dev.vcdn.shared.testing.BrowserScripts;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium publishes its fake camera and microphone over WHIP (src/test/hlsjs/whip.mjs)
 * to the packaged origin: the browser's own ICE, DTLS and SRTP against ours, H.264 passed
 * through at the keyframes our PLIs ask for, Opus transcoded to AAC, and Debian's ffprobe reading
 * the LL-HLS that comes out.
 */
class WhipPublishIT {

    private static final Path JAR = Path.of("target/origin.jar");
    private static final String ADMIN_TOKEN = "whip-admin-token-0123456789";
    private static final int PUBLISH_SECONDS = 12;

    private final HttpClient http = HttpClient.newHttpClient();

    private static BrowserScripts browser;

    @BeforeAll
    static void needsChromiumAndNode() throws Exception {
        browser = HlsjsScripts.prepare();
    }

    @Test
    void chromiumPublishesOverWhipAndTheChannelGoesLive(@TempDir Path dataDir) throws Exception {
        try (LaunchedJar origin = LaunchedJar.start(JAR,
                OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-" + UUID.randomUUID()))) {
            int httpPort = origin.awaitStarted(JarLifecycle.START_TIMEOUT).get("http");
            String base = "http://127.0.0.1:" + httpPort;
            String key = AdminApi.createChannel(httpPort, ADMIN_TOKEN, "browser");
            // A page of the origin's own (loopback is a secure context, so the page may use the camera).
            Process publisher = browser.start("whip.mjs", base + "/health", base + "/whip/live", key,
                    Integer.toString(PUBLISH_SECONDS));
            JsonObject live = awaitLive(base, 20);
            assertThat(live.getJsonObject("source").getInteger("height")).isEqualTo(360);
            assertThat(live.getJsonArray("renditions").getList()).contains("source");
            String master = http.send(HttpRequest.newBuilder(URI.create(base + "/live/browser/master.m3u8")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(master).contains("RESOLUTION=640x360", "mp4a.40.2");
            assertThat(probe(base + "/live/browser/master.m3u8")).as("Debian's ffprobe reads the LL-HLS")
                    .contains("aac", "h264,360");

            JsonObject result = BrowserScripts.result(publisher, 120);
            assertThat(result.getInteger("status")).as(result.encode()).isEqualTo(201);
            assertThat(result.getString("contentType")).isEqualTo("application/sdp");
            assertThat(result.getJsonArray("states").getList()).contains("connected").doesNotContain("failed");
            JsonObject video = result.getJsonObject("sent").getJsonObject("video");
            assertThat(video.getString("codec")).contains("packetization-mode=1");
            // Our PLI every segment target (2 s): a keyframe for each, beyond the first one.
            assertThat(video.getInteger("plis")).isGreaterThanOrEqualTo(PUBLISH_SECONDS / 2 - 2);
            assertThat(video.getInteger("keyFrames")).isGreaterThanOrEqualTo(PUBLISH_SECONDS / 2 - 1);
            assertThat(result.getJsonObject("sent").getJsonObject("audio").getInteger("packets")).isPositive();
            assertThat(result.getInteger("deleteStatus")).isEqualTo(200);
            awaitNoStreams(base, 10);
        }
    }

    private JsonObject awaitLive(String base, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            JsonArray streams = new JsonArray(http.send(HttpRequest.newBuilder(URI.create(base + "/api/streams")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!streams.isEmpty() && streams.getJsonObject(0).getJsonObject("source").getInteger("height") > 0
                    && http.send(HttpRequest.newBuilder(URI.create(base + "/live/browser/master.m3u8")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return streams.getJsonObject(0);
            }
            assertThat(System.nanoTime()).as("live with its ladder within %d s", seconds).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private void awaitNoStreams(String base, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!new JsonArray(http.send(HttpRequest.newBuilder(URI.create(base + "/api/streams")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEmpty()) {
            assertThat(System.nanoTime()).as("stream ended within %d s of the DELETE", seconds).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Codec and height of each stream Debian's ffprobe finds, once each. */
    private static List<String> probe(String url) throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/ffprobe", "-v", "error", "-show_entries", "stream=codec_name,height",
                "-of", "csv=p=0", url).redirectErrorStream(true).start();
        String probed = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(probed).isZero();
        return probed.lines().distinct().toList();
    }
}
