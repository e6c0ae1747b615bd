package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.testing.BrowserScripts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    private TestEdge edge;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "player-check.mjs"), List.of(LiveOrigin.FFMPEG));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aViewerFindsTheChannelWatchesItLiveSwitchesQualityAndSeesItEnd(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "alice", "640x360", 300);
        edge = TestEdge.start(origin.httpPort());
        edge.awaitStatus("/live/alice/master.m3u8", 200);

        // A clean end when the script asks for it, as when a streamer stops: ffmpeg closes its RTMP session.
        JsonObject result = BrowserRun.run(CHECK, line -> {
            if (line.equals("STOP-PUBLISHER")) {
                origin.stopPublishing();
            }
        }, "node", "player-check.mjs", edge.url(), "alice", SCREENSHOTS.toAbsolutePath().toString());
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

}
