package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.testing.BrowserScripts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private static final Duration GRACE = Duration.ofSeconds(20);

    private LiveOrigin origin;
    private TestEdge edge;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "reconnect-check.mjs", "shaka-reconnect.mjs"),
                List.of(LiveOrigin.FFMPEG));
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
    void aViewerWatchesThroughAReconnectAndSeesALongAbsenceEndAndStartAgain(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "alice", "426x240", 300, GRACE);
        edge = TestEdge.start(origin.httpPort());
        edge.awaitStatus("/live/alice/master.m3u8", 200);

        // The publisher leaves and comes back when the script asks; 6 s after the first rejoin the
        // edge's media playlist is kept.
        List<MediaPlaylist> playlists = new ArrayList<>();
        List<String> initServed = new ArrayList<>();
        JsonObject result = BrowserRun.run(CHECK, line -> {
            if (line.equals("STOP-PUBLISHER")) {
                origin.stopPublishing();
            } else if (line.equals("START-PUBLISHER")) {
                origin.publish(300);
                if (playlists.isEmpty()) {
                    TimeUnit.SECONDS.sleep(6);
                    MediaPlaylist joined = PlaylistParser.parseMedia(edge.get("/live/alice/" + masterVideo() + "/index.m3u8"));
                    playlists.add(joined);
                    // The new publish's init segment is served under the name the playlist gives it.
                    joined.segments().stream().flatMap(segment -> segment.map().stream()).findFirst().ifPresent(init -> {
                        try {
                            edge.awaitStatus("/live/alice/" + masterVideo() + "/" + init, 200);
                            initServed.add(init);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            }
        }, "node", "reconnect-check.mjs", edge.url(), "alice");
        System.out.println("reconnect check: " + result.encode());
        assertThat(result.getJsonArray("errors")).as("script errors on the page").isEmpty();
        assertThat(result.getInteger("navigations")).as("the page was never loaded again").isEqualTo(1);

        assertPlaysOnThrough(result.getJsonObject("short"), "3 s");
        assertPlaysOnThrough(result.getJsonObject("medium"), "10 s");

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
        assertThat(initServed).as("the new init segment served by the edge").hasSize(1);

        JsonObject longAbsence = result.getJsonObject("long");
        assertThat(longAbsence.getBoolean("ended")).as("ended after the grace: " + longAbsence.encode()).isTrue();
        assertThat(longAbsence.getBoolean("restarted")).as("started again by itself: " + longAbsence.encode()).isTrue();
    }

    @Test
    void shakaPlayerPlaysOnThroughAReconnect(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "bob", "426x240", 300, GRACE);
        edge = TestEdge.start(origin.httpPort());
        edge.awaitStatus("/live/bob/master.m3u8", 200);

        JsonObject result = BrowserRun.run(CHECK, line -> {
            if (line.equals("STOP-PUBLISHER")) {
                origin.stopPublishing();
            } else if (line.equals("START-PUBLISHER")) {
                origin.publish(300);
            }
        }, "node", "shaka-reconnect.mjs", edge.url(), "bob");
        System.out.println("shaka reconnect check: playing again " + result.getValue("playingAgainSeconds")
                + " s after the publisher came back; shaka-player " + result.getString("shakaVersion")
                + "; recoverable errors it reported: " + result.getJsonObject("recoverable").encode()
                + "; requests failed or refused: " + result.getJsonArray("failedRequests").encode());
        assertThat(result.getJsonArray("errors")).as("page errors and critical player errors").isEmpty();
        JsonArray after = result.getJsonArray("after");
        JsonObject last = after.getJsonObject(after.size() - 1);
        assertThat(last.getBoolean("ended")).isFalse();
        assertThat(result.getValue("playingAgainSeconds")).as("playing again after the reconnect").isNotNull();
        // Usually 0.8 s. In about one run in five, shaka-player 5.2 resumes only about 12.5 s late, by itself:
        // its seek range collapses to the live edge a second after the join, it evicts what it holds ("full
        // playlist rebuild selected for overlap recovery" in its debug log) and finds its footing again only
        // when the join is skipped by the delta updates or a rendition switch resyncs it (issue 15 has the analysis).
        // Until that is solved the check is that it resumes by itself, not that it does so quickly.
        double playingAgain = result.getDouble("playingAgainSeconds");
        if (playingAgain >= 5.0) {
            System.out.println("shaka reconnect check: LATE (known, issue 15); samples from then: " + after.encode()
                    + "; media playlists answered: " + result.getJsonArray("playlists", new JsonArray()).encode());
        }
        assertThat(playingAgain).as("resumed by itself within 15 s of the new publish; samples from then: %s", after.encode())
                .isLessThan(15.0);
        assertThat(last.getDouble("time") - result.getJsonObject("before").getDouble("time"))
                .as("seconds played after the publisher left").isGreaterThan(10.0);
    }

    /** Through an absence of the publisher within the grace: never ended, the same page, playing again after it. */
    private static void assertPlaysOnThrough(JsonObject absence, String length) {
        double stoppedAt = absence.getJsonObject("before").getDouble("time");
        JsonArray after = absence.getJsonArray("after");
        JsonObject last = after.getJsonObject(after.size() - 1);
        List<String> states = new ArrayList<>();
        absence.getJsonArray("gap").forEach(s -> states.add(((JsonObject) s).getString("state")));
        after.forEach(s -> states.add(((JsonObject) s).getString("state")));
        assertThat(states).as("never ended while the publisher was away for %s", length).doesNotContain("ended");
        assertThat(last.getBoolean("marker")).as("the same page and playback after %s", length).isTrue();
        assertThat(last.getString("state")).as("playing after %s away", length).isEqualTo("playing");
        assertThat(last.getDouble("time") - stoppedAt).as("playing on after a rejoin %s later", length).isGreaterThan(8.0);
    }

    private String masterVideo() throws Exception {
        String uri = PlaylistParser.parseMultivariant(edge.get("/live/alice/master.m3u8")).variants().get(0).uri();
        return uri.substring(0, uri.indexOf('/'));
    }
}
