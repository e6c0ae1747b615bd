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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin's LL-HLS played by hls.js (pinned in src/test/hlsjs, installed from the npm
 * registry) in Debian's headless Chromium, driven by playwright-core: the picture advances
 * second by second at low latency. {@code .ci/run} installs Chromium.
 */
class HlsJsPlaybackIT {

    private static final Path JAR = Path.of("target/origin.jar");
    private static final String ADMIN_TOKEN = "hlsjs-admin-token-0123456789";

    private static BrowserScripts browser;

    @BeforeAll
    static void needsChromiumAndNode() throws Exception {
        browser = HlsjsScripts.prepare();
    }

    @Test
    void hlsJsPlaysTheLiveStreamAtLowLatency(@TempDir Path dataDir) throws Exception {
        try (LaunchedJar origin = LaunchedJar.start(JAR,
                OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-" + UUID.randomUUID()))) {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            String key = AdminApi.createChannel(ports.get("http"), ADMIN_TOKEN, "alice");
            Process publisher = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
                    "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-c:a", "aac", "-t", "40",
                    "-f", "flv", "rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + key).redirectErrorStream(true).start();
            try {
                String master = "http://127.0.0.1:" + ports.get("http") + "/live/alice/master.m3u8";
                awaitPlaylist(master);
                JsonObject result = play(master, 14);
                JsonArray samples = result.getJsonArray("samples");
                assertThat(result.getJsonArray("errors")).as("fatal hls.js errors").isEmpty();
                // The last ten seconds: at least 0.8 s of picture for each second of wall clock (no stall),
                // at most 1.5 s (the player catches up on the live edge at up to 1.5x speed).
                for (int i = samples.size() - 10; i < samples.size(); i++) {
                    double advanced = samples.getJsonObject(i).getDouble("time") - samples.getJsonObject(i - 1).getDouble("time");
                    assertThat(advanced).as("playback advanced during second %d", i).isBetween(0.8, 1.55);
                }
                JsonObject last = samples.getJsonObject(samples.size() - 1);
                assertThat(last.getInteger("height")).isPositive();
                // Low latency, not a tuned figure: seen 1.7 s alone and 2.5 s with the whole suite on 2 cores. The
                // player's own target (under 2 s) is checked where the player is built.
                assertThat(last.getDouble("latency")).as("hls.latency (now - PROGRAM-DATE-TIME)").isLessThan(4.0);
            } finally {
                publisher.destroy();
            }
        }
    }

    /** Waits (at most 20 s) until the multivariant playlist exists: the ladder starts after the first GOP. */
    private static void awaitPlaylist(String master) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (client.send(HttpRequest.newBuilder(URI.create(master)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() != 200) {
            assertThat(System.nanoTime()).as("master playlist within 20 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static JsonObject play(String master, int seconds) throws IOException, InterruptedException {
        return BrowserScripts.result(browser.start("play.mjs", master, Integer.toString(seconds)), 120);
    }
}
