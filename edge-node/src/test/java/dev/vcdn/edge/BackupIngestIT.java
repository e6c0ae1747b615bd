package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel published by a primary and a backup encoder (Debian's ffmpeg, the backup with
 * {@code ?backup} after the key), watched through an edge: the backup takes over when the primary
 * freezes (SIGSTOP: its connection stays open, nothing comes) and when it quits, and gives the
 * channel back when the primary publishes again; each switch one discontinuity, never an end.
 */
class BackupIngestIT {

    private static final String CHANNEL = "carol";

    private final HttpClient http = HttpClient.newHttpClient();
    private LiveOrigin origin;
    private Process backup;
    private TestEdge edge;

    @BeforeAll
    static void needsFfmpeg() {
        Assumptions.assumeTrue(Files.isExecutable(LiveOrigin.FFMPEG), "needs Debian's ffmpeg");
    }

    @AfterEach
    void stop() throws Exception {
        if (backup != null) {
            backup.destroyForcibly();
        }
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void theBackupTakesOverWhenThePrimaryFreezesOrQuitsAndGivesTheChannelBack(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, CHANNEL, "426x240", 300, Duration.ofSeconds(30));
        backup = LiveOrigin.publisher(origin.backupUrl(), "426x240", 300);
        edge = TestEdge.start(origin.httpPort());
        edge.awaitStatus("/live/" + CHANNEL + "/master.m3u8", 200);
        String media = "/live/" + CHANNEL + "/source/index.m3u8";
        edge.awaitStatus(media, 200);
        TimeUnit.SECONDS.sleep(3); // the backup has connected and keeps its newest GOP
        assertThat(packagedFromBackup()).as("the primary is packaged while it is live").isFalse();
        long discontinuities = discontinuities(playlist(media));
        long newestMsn = playlist(media).nextMsn();

        // The primary's encoder freezes: its connection stays open and sends nothing.
        signal(origin.publisher(), "STOP");
        double frozen = awaitSwitch(media, discontinuities + 1, newestMsn);
        assertThat(packagedFromBackup()).as("the backup is packaged").isTrue();
        signal(origin.publisher(), "CONT");
        origin.publisher().destroyForcibly();

        // The primary's encoder starts again: it takes the channel back.
        newestMsn = playlist(media).nextMsn();
        origin.publish(300);
        double back = awaitSwitch(media, discontinuities + 2, newestMsn);
        assertThat(packagedFromBackup()).as("the primary is packaged again").isFalse();

        // The primary quits: the backup takes over again.
        newestMsn = playlist(media).nextMsn();
        origin.stopPublishing();
        double quit = awaitSwitch(media, discontinuities + 3, newestMsn);
        assertThat(packagedFromBackup()).isTrue();
        System.out.printf("backup ingest: to the backup %.1f s after the primary froze, back to the primary %.1f s after it "
                + "published again, to the backup %.1f s after the primary quit (playlist at the edge)%n", frozen, back, quit);
    }

    /**
     * Seconds until the edge's playlist shows discontinuity number {@code expected} (the switch's
     * first part), checking meanwhile that it never ends and its numbers only go up.
     */
    private double awaitSwitch(String media, long expected, long msnBefore) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(20);
        long newest = msnBefore;
        while (true) {
            MediaPlaylist playlist = playlist(media);
            assertThat(playlist.endList()).as("the broadcast never ends").isFalse();
            assertThat(playlist.nextMsn()).as("segment numbers only go up").isGreaterThanOrEqualTo(newest);
            newest = playlist.nextMsn();
            if (discontinuities(playlist) >= expected) {
                assertThat(discontinuities(playlist)).as("one discontinuity per switch").isEqualTo(expected);
                // The media after the switch is dated by when it was ingested, not by when its GOP began to be kept.
                Instant dated = newestMediaStart(playlist);
                assertThat(Duration.between(dated, Instant.now()).abs()).as("PROGRAM-DATE-TIME after the switch: %s", dated)
                        .isLessThan(Duration.ofSeconds(4));
                return (System.nanoTime() - started) / 1e9;
            }
            assertThat(System.nanoTime()).as("switched within 20 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** PROGRAM-DATE-TIME of the newest segment (the open one's, when it has parts). */
    private static Instant newestMediaStart(MediaPlaylist playlist) {
        if (!playlist.pendingParts().isEmpty() && playlist.pendingStart().programDateTime().isPresent()) {
            return playlist.pendingStart().programDateTime().get();
        }
        Segment last = playlist.segments().get(playlist.segments().size() - 1);
        return last.programDateTime().orElseThrow();
    }

    /** The discontinuity number of the newest media in the playlist (its open segment's, when that starts one). */
    private static long discontinuities(MediaPlaylist playlist) {
        long marked = playlist.segments().stream().filter(Segment::discontinuity).count();
        boolean openStartsOne = !playlist.pendingParts().isEmpty() && playlist.pendingStart().discontinuity();
        return playlist.discontinuitySequence() + marked + (openStartsOne ? 1 : 0);
    }

    private MediaPlaylist playlist(String media) throws Exception {
        return PlaylistParser.parseMedia(edge.get(media));
    }

    /** Whether the origin lists the channel's stream as coming from its backup encoder. */
    private boolean packagedFromBackup() throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.httpPort() + "/api/streams"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonArray streams = new JsonArray(body);
        return streams.stream().map(JsonObject.class::cast).filter(s -> CHANNEL.equals(s.getString("channel")))
                .findFirst().orElseThrow(() -> new AssertionError("no live stream of " + CHANNEL + " in " + body))
                .getBoolean("backup", false);
    }

    private static void signal(Process process, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
    }
}
