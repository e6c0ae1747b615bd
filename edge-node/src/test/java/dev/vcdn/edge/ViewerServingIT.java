package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.RawViewer;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an edge does for a crowd, in front of a real origin publishing 720p: a viewer limit, a
 * short write deadline, compression. Viewers are told apart by their loopback addresses, as an
 * edge tells apart clients.
 */
class ViewerServingIT {

    private static final String CHANNEL = "limits";
    /** The test's own polling from 127.0.0.1 counts as the first viewer. */
    private static final int MAX_VIEWERS = 3;
    private static final int WRITE_DEADLINE_SECONDS = 2;
    private static final Pattern REFUSED = Pattern.compile("(?m)^vcdn_edge_viewers_refused_total(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern CUT_OFF = Pattern.compile("(?m)^vcdn_edge_viewers_cut_off_total(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern HELD = Pattern.compile("(?m)^vcdn_edge_blocking_held(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern ANSWERED_OK = Pattern.compile("(?m)^vcdn_edge_responses_total\\{code=\"200\"[^}]*} (\\S+)$");

    private LiveOrigin origin;
    private TestEdge edge;

    @BeforeAll
    static void needsFfmpeg() {
        LiveOrigin.requireFfmpeg();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aFullEdgeRefusesNewViewersServesItsOwnAndCutsOffOneThatTakesNothing(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, CHANNEL, "1280x720", 120);
        edge = TestEdge.start("http://127.0.0.1:" + origin.httpPort(), Map.of("VCDN_VIEWERS_MAX", Integer.toString(MAX_VIEWERS),
                "VCDN_VIEWERS_WRITE_DEADLINE", WRITE_DEADLINE_SECONDS + "s"));
        String master = "/live/" + CHANNEL + "/master.m3u8";
        edge.awaitStatus(master, 200);
        Variant largest = PlaylistParser.parseMultivariant(edge.get(master)).variants().stream()
                .max(Comparator.comparingLong(Variant::bandwidth)).orElseThrow();
        String media = "/live/" + CHANNEL + "/" + largest.uri();
        String renditionBase = media.substring(0, media.lastIndexOf('/') + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (PlaylistParser.parseMedia(edge.get(media)).segments().isEmpty()) {
            assertThat(System.nanoTime()).as("a whole segment within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }

        playlistsGoGzippedAndMediaAsItIs(media, renditionBase);
        aFullEdgeRefusesOnlyNewViewers(media);
        aViewerThatTakesNothingIsCutOffWhileOthersAreServed(media, renditionBase);
        requestsHeldForViewersThatLeftAreLetGo(media);
    }

    /**
     * Every browser sends Accept-Encoding: gzip; nothing is deflated per response: a cached playlist
     * and a pushed one go gzipped from the copy made once, media as it is.
     */
    private void playlistsGoGzippedAndMediaAsItIs(String media, String renditionBase) throws Exception {
        int port = edge.port();
        Map<String, String> browser = Map.of("Accept-Encoding", "gzip, deflate, br");
        String master = "/live/" + CHANNEL + "/master.m3u8";
        RawViewer.Answer multivariant = RawViewer.get("127.0.0.11", port, master, browser);
        assertThat(multivariant.headers()).containsEntry("content-encoding", "gzip").containsEntry("vary", "accept-encoding");
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(multivariant.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(PlaylistParser.parseMultivariant(text).variants()).isNotEmpty();
        assertThat(RawViewer.get("127.0.0.11", port, master).headers()).as("without Accept-Encoding")
                .doesNotContainKey("content-encoding");

        RawViewer.Answer playlist = RawViewer.get("127.0.0.11", port, media, browser);
        assertThat(playlist.headers()).as("a pushed playlist").containsEntry("content-encoding", "gzip");
        MediaPlaylist parsed = PlaylistParser.parseMedia(new String(new GZIPInputStream(
                new ByteArrayInputStream(playlist.body())).readAllBytes(), StandardCharsets.UTF_8));

        Segment last = parsed.segments().get(parsed.segments().size() - 1);
        String part = renditionBase + last.parts().get(0).uri();
        RawViewer.Answer compressedAsked = RawViewer.get("127.0.0.11", port, part, browser);
        assertThat(compressedAsked.status()).isEqualTo(200);
        assertThat(compressedAsked.headers()).as("a part is sent as it is").doesNotContainKey("content-encoding");
        assertThat(compressedAsked.body()).isEqualTo(RawViewer.get("127.0.0.11", port, part).body());
    }

    private void aFullEdgeRefusesOnlyNewViewers(String media) throws Exception {
        int port = edge.port();
        assertThat(RawViewer.get("127.0.0.11", port, media).status()).isEqualTo(200);
        for (int i = 20; i < 30; i++) {
            assertThat(RawViewer.get("127.0.0." + i, port, "/live/nosuchchannel" + i + "/master.m3u8").status())
                    .as("a channel live nowhere").isEqualTo(404);
        }
        assertThat(RawViewer.get("127.0.0.12", port, media).status())
                .as("requests that found nothing took no viewer's place").isEqualTo(200);

        RawViewer.Answer refused = RawViewer.get("127.0.0.13", port, media);
        assertThat(refused.status()).as("a fourth viewer of an edge taking three").isEqualTo(503);
        assertThat(refused.headers()).containsEntry("retry-after", "10").containsEntry("cache-control", "no-store");
        assertThat(RawViewer.get("127.0.0.13", port, "/live/" + CHANNEL + "/master.m3u8").status())
                .as("its multivariant playlist too").isEqualTo(503);

        RawViewer.Answer reload = RawViewer.get("127.0.0.11", port, media);
        assertThat(reload.status()).as("a viewer already watching reloads as before").isEqualTo(200);
        assertThat(PlaylistParser.parseMedia(reload.text()).segments()).isNotEmpty();
        assertThat(metric(REFUSED)).isEqualTo(2);
    }

    private void aViewerThatTakesNothingIsCutOffWhileOthersAreServed(String media, String renditionBase) throws Exception {
        int port = edge.port();
        MediaPlaylist playlist = PlaylistParser.parseMedia(RawViewer.get("127.0.0.11", port, media).text());
        List<Segment> segments = playlist.segments();
        String segment = renditionBase + segments.get(segments.size() - 1).uri();
        long segmentBytes = RawViewer.get("127.0.0.11", port, segment).contentLength();
        assertThat(segmentBytes).isPositive();

        // Far more than the kernel's socket buffers hold: the rest waits in the edge, for a reader that reads nothing.
        int requests = (int) Math.max(8, (32L << 20) / segmentBytes);
        try (RawViewer stuck = RawViewer.connect("127.0.0.11", port, 4096)) {
            stuck.send(segment, requests);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WRITE_DEADLINE_SECONDS + 3);
            while (System.nanoTime() < deadline) {
                RawViewer.Answer other = RawViewer.get("127.0.0.12", port, media);
                assertThat(other.status()).as("another viewer meanwhile").isEqualTo(200);
                TimeUnit.MILLISECONDS.sleep(300);
            }
            long received = stuck.drain();
            assertThat(received).as("the stuck viewer's connection closed before all %d answers were sent", requests)
                    .isLessThan(requests * segmentBytes);
        }
        assertThat(metric(CUT_OFF)).isEqualTo(1);
    }

    /**
     * Viewers that leave while their blocking reload is held cost nothing for long: the edge lets go
     * of their requests at its next sweep, well before the segment they wait for (two ahead) is made.
     */
    private void requestsHeldForViewersThatLeftAreLetGo(String media) throws Exception {
        int port = edge.port();
        long twoAhead = newestPartMsn(PlaylistParser.parseMedia(RawViewer.get("127.0.0.11", port, media).text())) + 2;
        String held = media + "?_HLS_msn=" + twoAhead + "&_HLS_part=0";
        int leaving = 50;
        List<RawViewer> viewers = new ArrayList<>();
        try {
            for (int i = 0; i < leaving; i++) {
                RawViewer viewer = RawViewer.connect("127.0.0.11", port, 0);
                viewers.add(viewer);
                viewer.send(held, 1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (metric(HELD) < leaving) {
                assertThat(System.nanoTime()).as("%d blocking reloads held", leaving).isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            for (RawViewer viewer : viewers) {
                viewer.close();
            }
        }
        long closed = System.nanoTime();
        while (metric(HELD) > 0) {
            assertThat(System.nanoTime() - closed).as("held requests let go after their viewers left")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(1000));
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(newestPartMsn(PlaylistParser.parseMedia(RawViewer.get("127.0.0.11", port, media).text())))
                .as("let go before what they waited for was made").isLessThan(twoAhead);
        assertThat(metric(ANSWERED_OK)).as("the edge's own count of its answers").isPositive();
    }

    /** The segment the newest part belongs to: the open one when it has parts, else the last whole one. */
    private static long newestPartMsn(MediaPlaylist playlist) {
        long lastWhole = playlist.segments().get(playlist.segments().size() - 1).msn();
        return playlist.pendingParts().isEmpty() ? lastWhole : lastWhole + 1;
    }

    private long metric(Pattern pattern) throws Exception {
        Matcher m = pattern.matcher(edge.get("/metrics"));
        assertThat(m.find()).as("metric %s", pattern).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
