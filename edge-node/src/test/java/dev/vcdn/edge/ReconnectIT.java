package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
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
import java.nio.file.Path;
import java.time.Duration;
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
 * A streamer's encoder drops and comes back, as OBS does after a network blip, while a viewer
 * watches on the edge's watch page (hls.js in Debian's Chromium): within the origin's reconnect
 * grace the same playback goes on after a stall, the playlists carrying a discontinuity and
 * numbering on; after the grace the page says the stream ended and starts again by itself when
 * the channel comes back. The packaged origin and edge, Debian's ffmpeg publishing.
 */
class ReconnectIT {

    private static final Path CHECK = Path.of("target/reconnect-check");
    private static final Duration GRACE = Duration.ofSeconds(8);

    private final HttpClient http = HttpClient.newHttpClient();
    private LiveOrigin origin;
    private RunningProcess edge;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "reconnect-check.mjs"), List.of(LiveOrigin.FFMPEG));
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
    void aViewerWatchesThroughAReconnectAndSeesALongAbsenceEndAndStartAgain(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "alice", "426x240", 300, GRACE);
        EdgeProcess process = new EdgeProcess();
        edge = ProcessLauncher.start(process, ProcessLauncher.readConfig(process, Optional.empty(), Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", "http://127.0.0.1:" + origin.httpPort(),
                "VCDN_CLUSTER_NAME", "it-edge-" + UUID.randomUUID(), "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next()))))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String edgeUrl = "http://127.0.0.1:" + edge.port("http");
        awaitStatus(edgeUrl + "/live/alice/master.m3u8", 200);

        List<MediaPlaylist> playlists = new ArrayList<>();
        JsonObject result = runBrowser(edgeUrl, playlists);
        System.out.println("reconnect check: " + result.encode());
        assertThat(result.getJsonArray("errors")).as("script errors on the page").isEmpty();
        assertThat(result.getInteger("navigations")).as("the page was never loaded again").isEqualTo(1);

        JsonObject shortAbsence = result.getJsonObject("short");
        double stoppedAt = shortAbsence.getJsonObject("before").getDouble("time");
        JsonArray after = shortAbsence.getJsonArray("after");
        JsonObject last = after.getJsonObject(after.size() - 1);
        List<String> states = new ArrayList<>();
        shortAbsence.getJsonArray("gap").forEach(s -> states.add(((JsonObject) s).getString("state")));
        after.forEach(s -> states.add(((JsonObject) s).getString("state")));
        assertThat(states).as("never ended while the publisher was away for 3 s").doesNotContain("ended");
        assertThat(last.getBoolean("marker")).as("the same page and playback").isTrue();
        assertThat(last.getString("state")).isEqualTo("playing");
        assertThat(last.getDouble("time") - stoppedAt).as("playing on after the rejoin: the stall, then the new publish")
                .isGreaterThan(8.0);

        MediaPlaylist joined = playlists.get(0);
        assertThat(joined.endList()).isFalse();
        assertThat(joined.segments()).as("the join, a discontinuity with the new publish's init segment")
                .anySatisfy(segment -> {
                    assertThat(segment.discontinuity()).isTrue();
                    assertThat(segment.map()).hasValueSatisfying(map -> assertThat(map).matches("init-[0-9]+\\.mp4"));
                });
        for (int i = 1; i < joined.segments().size(); i++) {
            Segment segment = joined.segments().get(i);
            assertThat(segment.msn()).as("numbering goes on").isEqualTo(joined.segments().get(i - 1).msn() + 1);
        }
        String init = joined.segments().stream().flatMap(s -> s.map().stream()).findFirst().orElseThrow();
        awaitStatus(edgeUrl + "/live/alice/" + masterVideo(edgeUrl) + "/" + init, 200);

        JsonObject longAbsence = result.getJsonObject("long");
        assertThat(longAbsence.getBoolean("ended")).as("ended after the grace: " + longAbsence.encode()).isTrue();
        assertThat(longAbsence.getBoolean("restarted")).as("started again by itself: " + longAbsence.encode()).isTrue();
    }

    private String masterVideo(String edgeUrl) throws Exception {
        String master = http.send(HttpRequest.newBuilder(URI.create(edgeUrl + "/live/alice/master.m3u8")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String uri = PlaylistParser.parseMultivariant(master).variants().get(0).uri();
        return uri.substring(0, uri.indexOf('/'));
    }

    private void awaitStatus(String url, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() != status) {
            assertThat(System.nanoTime()).as("%s answers %d within 30 s", url, status).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /**
     * Runs the browser script, stopping and starting the publisher when it asks; after the first
     * rejoin the edge's media playlist is kept in {@code playlists}. Returns the script's findings.
     */
    private JsonObject runBrowser(String edgeUrl, List<MediaPlaylist> playlists) throws Exception {
        Process node = new ProcessBuilder("node", "reconnect-check.mjs", edgeUrl, "alice")
                .directory(CHECK.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        int starts = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("STOP-PUBLISHER")) {
                    origin.stopPublishing();
                } else if (line.equals("START-PUBLISHER")) {
                    origin.publish(300);
                    if (starts++ == 0) {
                        TimeUnit.SECONDS.sleep(6);
                        String media = edgeUrl + "/live/alice/" + masterVideo(edgeUrl) + "/index.m3u8";
                        playlists.add(PlaylistParser.parseMedia(http.send(HttpRequest.newBuilder(URI.create(media)).build(),
                                HttpResponse.BodyHandlers.ofString()).body()));
                    }
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
