package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.BrowserScripts;
import dev.vcdn.shared.testing.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The player as a viewer meets it: a real origin (the packaged jar) with a publish from Debian's
 * ffmpeg, an edge, and Debian's headless Chromium driven by playwright-core through the
 * directory, the watch page, the quality menu, an offline channel and the end of the stream.
 * Screenshots are kept in target/player-screenshots (not committed).
 */
class PlayerBrowserIT {

    private static final Path CHECK = Path.of("target/player-check");
    private static final Path SCREENSHOTS = Path.of("target/player-screenshots");

    private LiveOrigin origin;
    private RunningProcess edge;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "player-check.mjs"), List.of(LiveOrigin.FFMPEG));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aViewerFindsTheChannelWatchesItLiveSwitchesQualityAndSeesItEnd(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "alice", "640x360", 300);
        EdgeProcess process = new EdgeProcess();
        edge = ProcessLauncher.start(process, ProcessLauncher.readConfig(process, Optional.empty(), Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", "http://127.0.0.1:" + origin.httpPort(),
                "VCDN_CLUSTER_NAME", "it-edge-" + UUID.randomUUID(), "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next()))))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String edgeUrl = "http://127.0.0.1:" + edge.port("http");
        awaitLive(edgeUrl + "/live/alice/master.m3u8");

        JsonObject result = runBrowser(edgeUrl);
        System.out.println("player check: " + result.encode());
        assertThat(result.getJsonArray("errors")).as("script errors on the pages").isEmpty();

        JsonObject directory = result.getJsonObject("directory");
        assertThat(directory.getInteger("thumbnailWidth")).as("the thumbnail loaded").isPositive();
        assertThat(directory.getString("href")).isEqualTo("/watch/alice");
        assertThat(directory.getString("details")).startsWith("live for ");

        JsonArray samples = result.getJsonObject("watch").getJsonArray("samples");
        for (int i = 1; i < samples.size(); i++) {
            double advanced = samples.getJsonObject(i).getDouble("time") - samples.getJsonObject(i - 1).getDouble("time");
            assertThat(advanced).as("picture advanced during second %d (no stall)", i).isGreaterThan(0.5);
        }
        double worstLatency = 0;
        for (int i = samples.size() - 10; i < samples.size(); i++) {
            worstLatency = Math.max(worstLatency, samples.getJsonObject(i).getDouble("latency"));
        }
        System.out.printf("latency at the player over the last 10 s: worst %.2f s%n", worstLatency);
        assertThat(worstLatency).as("now - PROGRAM-DATE-TIME of the playing frame, default settings").isLessThan(2.0);
        assertThat(result.getJsonObject("watch").getJsonArray("options").getString(0)).isEqualTo("Auto");

        JsonObject quality = result.getJsonObject("quality");
        assertThat(quality.getInteger("wanted")).as("the ladder has another rung to choose").isNotNegative();
        assertThat(quality.getBoolean("switched")).as("the menu switched the playing rung: " + quality.encode()).isTrue();
        assertThat(quality.getJsonObject("after").getString("stored")).as("the choice sticks").isNotEqualTo("auto");

        assertThat(result.getJsonObject("offline").getBoolean("shown")).as(result.getJsonObject("offline").encode()).isTrue();
        assertThat(result.getJsonObject("ended").getBoolean("shown")).as(result.getJsonObject("ended").encode()).isTrue();
    }

    private static void awaitLive(String master) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.send(HttpRequest.newBuilder(URI.create(master)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() != 200) {
            assertThat(System.nanoTime()).as("live within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** Runs the browser script; stops the publisher when it asks; returns its findings. */
    private JsonObject runBrowser(String edgeUrl) throws Exception {
        Process node = new ProcessBuilder("node", "player-check.mjs", edgeUrl, "alice", SCREENSHOTS.toAbsolutePath().toString())
                .directory(CHECK.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("STOP-PUBLISHER")) {
                    // A clean end, as when a streamer stops: ffmpeg closes its RTMP session.
                    origin.stopPublishing();
                }
            }
        }
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = String.join("\n", lines);
        assertThat(node.exitValue()).as(output).isZero();
        return new JsonObject(lines.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result from the browser:\n" + output)));
    }
}
