package dev.vcdn.edge;

import static dev.vcdn.edge.testing.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.ClusteredOrigin;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.LiveSegments;
import dev.vcdn.edge.testing.TestAuthServer;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.recording.SegmentFile;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.BrowserScripts;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import dev.vcdn.shared.testing.TestS3Server;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast of a channel with the recording feature, as viewers meet it through an edge: while
 * live, the watch page offers to watch from the start and rewinds 30 s in the DVR playlist, then
 * goes back to live; once ended, the directory lists it and it plays as VOD; Debian's ffprobe
 * and ffmpeg read the VOD whole. Every recorded segment is byte for byte what the live URLs served.
 * Recorded into a real S3 server (s3proxy), as an origin cluster would; and on disk by an origin
 * killed mid-broadcast, whose recording stays whole and ends at its last segment.
 */
class RecordingIT {

    private static final Path CHECK = Path.of("target/recording-check");
    private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    private static final String CHANNEL = "archive";
    private static final String BUCKET = "vcdn-recordings";
    private static final int BROADCAST_SECONDS = 60;
    private static final Path ORIGIN_JAR = Path.of("../origin/target/origin.jar");
    private static final String ADMIN_TOKEN = "recording-it-admin-token-0123456789";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LiveOrigin origin;
    private TestEdge edge;
    private TestS3Server s3;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "recording-check.mjs"), List.of(LiveOrigin.FFMPEG, FFPROBE));
        Files.createDirectories(CHECK.resolve("shots"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {edge, origin, s3}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aBroadcastIsKeptAsServedRewoundWhileLiveAndPlayedAfterThroughAnEdge(@TempDir Path dataDir) throws Exception {
        s3 = TestS3Server.start();
        s3.createBucket(BUCKET);
        origin = LiveOrigin.start(dataDir, new JsonObject().put("name", CHANNEL).put("recording", true), "640x360",
                BROADCAST_SECONDS, Duration.ofSeconds(2), Map.of("VCDN_RECORDING_STORE", "s3",
                        "VCDN_RECORDING_S3_ENDPOINT", s3.endpoint().toString(), "VCDN_RECORDING_S3_BUCKET", BUCKET,
                        "VCDN_RECORDING_S3_ACCESS_KEY", TestS3Server.ACCESS_KEY,
                        "VCDN_RECORDING_S3_SECRET_KEY", TestS3Server.SECRET_KEY));
        String originUrl = "http://127.0.0.1:" + origin.httpPort();
        edge = TestEdge.start(originUrl);
        try (LiveSegments live = LiveSegments.follow(http, edge.url(), CHANNEL)) {
            JsonObject recording = awaitRecording(originUrl, r -> true, 30);
            assertThat(recording.getValue("endedAt")).as("live").isNull();
            String id = recording.getString("id");
            String master = recording.getString("master");
            assertThat(master).isEqualTo("/recordings/" + id + "/master.m3u8");

            // The DVR playlist through the edge (once a first video segment is recorded): an EVENT playlist from the start, growing.
            edge.awaitStatus(master, 200);
            String firstMedia = "/recordings/" + id + "/" + variants(master).variants().get(0).uri();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            MediaPlaylist dvr;
            do {
                TimeUnit.SECONDS.sleep(1);
                assertThat(System.nanoTime()).as("40 s recorded within a minute").isLessThan(deadline);
                dvr = PlaylistParser.parseMedia(text(edge.url() + firstMedia));
            } while (dvr.segments().stream().mapToDouble(Segment::duration).sum() < 40);
            assertThat(dvr.endList()).isFalse();
            assertThat(text(edge.url() + firstMedia)).contains("#EXT-X-PLAYLIST-TYPE:EVENT");

            JsonObject dvrCheck = BrowserRun.run(CHECK, line -> { }, "node", "recording-check.mjs", edge.url(), CHANNEL, "dvr",
                    CHECK.resolve("shots").toAbsolutePath().toString());
            System.out.println("DVR through the edge: " + dvrCheck.encode());
            assertThat(dvrCheck.getJsonArray("errors")).as(dvrCheck.encode()).isEmpty();
            assertThat(dvrCheck.getString("fromStartHref")).isEqualTo("/watch/" + CHANNEL + "?recording=" + id + "&t=0");
            assertThat(dvrCheck.getBoolean("playedFromStart")).as("plays from the start: %s", dvrCheck.encode()).isTrue();
            assertThat(dvrCheck.getJsonObject("atStart").getDouble("currentTime")).as("from the start").isLessThan(8);
            assertThat(dvrCheck.getJsonObject("atStart").getString("badge")).contains("behind live");
            assertThat(dvrCheck.getBoolean("playedAtLiveByKey")).as("l goes live: %s", dvrCheck.encode()).isTrue();
            assertThat(dvrCheck.getJsonObject("atLive").getDouble("behindLive")).isLessThan(6);
            assertThat(dvrCheck.getBoolean("playedAfterSeek")).as("plays 30 s back: %s", dvrCheck.encode()).isTrue();
            JsonObject back = dvrCheck.getJsonObject("back");
            assertThat(back.getDouble("currentTime")).as("where the seek bar took it")
                    .isBetween(dvrCheck.getDouble("target") - 1, dvrCheck.getDouble("target") + 10);
            assertThat(back.getString("badge")).as("how far behind live it says").contains("behind live");
            assertThat(back.getBoolean("goLive")).isTrue();
            assertThat(dvrCheck.getBoolean("playedAtLive")).as("plays again at live: %s", dvrCheck.encode()).isTrue();
            assertThat(dvrCheck.getJsonObject("live").getDouble("behindLive")).as("back at the live edge").isLessThan(6);
            assertThat(dvrCheck.getJsonObject("live").getString("badge")).isEqualTo("LIVE");

            recording = awaitRecording(originUrl, r -> r.getValue("endedAt") != null, BROADCAST_SECONDS + 30);
            TimeUnit.SECONDS.sleep(3); // the live window's last segments, fetched once more
            live.close();
            assertThat(live.errors()).isEmpty();
            everyRecordedSegmentIsWhatTheLiveUrlsServed(id, live.byRendition());
        }
        JsonObject ended = awaitRecording(originUrl, r -> r.getValue("endedAt") != null, 5);
        assertThat(ended.getDouble("durationSeconds")).isBetween(BROADCAST_SECONDS - 2.0, BROADCAST_SECONDS + 2.0);
        String vodMedia = "/recordings/" + ended.getString("id") + "/" + variants(ended.getString("master")).variants().get(0).uri();
        assertThat(text(edge.url() + vodMedia)).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");

        String vodUrl = edge.url() + ended.getString("master");
        double probed = Double.parseDouble(run(FFPROBE.toString(), "-v", "error", "-show_entries", "format=duration", "-of",
                "csv=p=0", vodUrl).trim());
        System.out.printf("ffprobe: the VOD lasts %.3f s (broadcast %d s)%n", probed, BROADCAST_SECONDS);
        assertThat(probed).isBetween(BROADCAST_SECONDS - 1.0, BROADCAST_SECONDS + 1.0);
        assertThat(run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i", vodUrl, "-c", "copy", "-f", "null", "-"))
                .as("ffmpeg copies every packet without an error").isEmpty();
        assertThat(run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i", vodUrl, "-f", "null", "-"))
                .as("ffmpeg decodes every frame without an error").isEmpty();

        JsonObject vodCheck = BrowserRun.run(CHECK, line -> { }, "node", "recording-check.mjs", edge.url(), CHANNEL, "vod",
                CHECK.resolve("shots").toAbsolutePath().toString());
        System.out.println("VOD through the edge: " + vodCheck.encode());
        assertThat(vodCheck.getJsonArray("errors")).as(vodCheck.encode()).isEmpty();
        assertThat(vodCheck.getJsonObject("card").getString("href")).isEqualTo("/watch/" + CHANNEL + "?recording=" + ended.getString("id"));
        assertThat(vodCheck.getJsonObject("card").getInteger("thumbnail")).as("the broadcast's picture").isGreaterThan(0);
        assertThat(vodCheck.getBoolean("played")).isTrue();
        assertThat(vodCheck.getJsonObject("start").getString("badge")).as("no live badge on a VOD").isNull();
        assertThat(vodCheck.getJsonObject("start").getString("time")).endsWith("/ 1:00");
        assertThat(vodCheck.getBoolean("endedShown")).as(vodCheck.encode()).isTrue();
        assertThat(vodCheck.getString("endText")).isEqualTo("End of the recording.");

        aRecordingObjectIsFetchedOncePerEdge(vodMedia);
    }

    @Test
    void anOriginKilledMidBroadcastLeavesAWholeRecordingThatEndsAtItsLastSegment(@TempDir Path dataDir) throws Exception {
        String channel = "kept";
        Map<String, String> env = OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "recording-it-" + UUID.randomUUID());
        env.put("VCDN_HLS_RECONNECT_GRACE", "2000ms");
        String firstId;
        String key;
        Map<String, Map<Long, byte[]>> served;
        try (LaunchedJar first = LaunchedJar.start(ORIGIN_JAR, env)) {
            Map<String, Integer> ports = first.awaitStarted(JarLifecycle.START_TIMEOUT);
            key = AdminApi.createChannel(ports.get("http"), ADMIN_TOKEN, new JsonObject().put("name", channel)
                    .put("recording", true));
            Process publisher = LiveOrigin.publisher("rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + key, "320x180", 60);
            String originUrl = "http://127.0.0.1:" + ports.get("http");
            try (LiveSegments live = LiveSegments.follow(http, originUrl, channel)) {
                served = live.byRendition();
                firstId = awaitListed(originUrl, channel, list -> list.size() == 1).getJsonObject(0).getString("id");
                Path folder = dataDir.resolve("recordings/" + channel + "/" + firstId.substring(channel.length() + 1) + "/source");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (segmentsIn(folder).size() < 5) {
                    assertThat(System.nanoTime()).as("five segments recorded in 30 s").isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                first.close(); // SIGKILL while the publisher still sends: writes may be under way
            } finally {
                publisher.destroyForcibly();
            }
        }
        Path folder = dataDir.resolve("recordings/" + channel + "/" + firstId.substring(channel.length() + 1) + "/source");
        List<Path> left = segmentsIn(folder);
        int compared = 0;
        for (Path segment : left) {
            byte[] bytes = Files.readAllBytes(segment);
            assertThat(isWholeFragment(bytes)).as("%s is whole", segment.getFileName()).isTrue();
            byte[] live = served.getOrDefault("source", Map.of())
                    .get(SegmentFile.parse(segment.getFileName().toString()).orElseThrow().msn());
            if (live != null) {
                assertThat(bytes).as("%s on disk is what was served live", segment.getFileName()).isEqualTo(live);
                compared++;
            }
        }
        assertThat(compared).as("segments on disk compared with what was served live").isGreaterThanOrEqualTo(left.size() - 2);
        assertThat(Files.exists(folder.getParent().resolve("ended.json"))).isFalse();

        env.put("VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next()));
        try (LaunchedJar second = LaunchedJar.start(ORIGIN_JAR, env)) {
            Map<String, Integer> ports = second.awaitStarted(JarLifecycle.START_TIMEOUT);
            String originUrl = "http://127.0.0.1:" + ports.get("http");
            // The streamer comes back to the restarted origin: a second recording, the first one untouched.
            Process publisher = LiveOrigin.publisher("rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + key, "320x180", 8);
            // Its newest segment gets older than the grace and the margin: no origin records it, it has ended there.
            JsonArray both = awaitListed(originUrl, channel, list -> list.size() == 2
                    && list.getJsonObject(1).getValue("endedAt") != null);
            publisher.waitFor(30, TimeUnit.SECONDS);
            assertThat(both.getJsonObject(0).getString("id")).as("the newest first").isNotEqualTo(firstId);
            JsonObject lost = both.getJsonObject(1);
            assertThat(lost.getString("id")).isEqualTo(firstId);
            assertThat(lost.getDouble("durationSeconds")).isGreaterThanOrEqualTo(left.size() * 2.0 - 4);
            String vod = originUrl + lost.getString("master");
            String media = text(originUrl + "/recordings/" + firstId + "/source/index.m3u8");
            assertThat(media).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
            assertThat(PlaylistParser.parseMedia(media).segments()).as("every whole segment, and only those").hasSize(left.size());
            double probed = Double.parseDouble(run(FFPROBE.toString(), "-v", "error", "-show_entries", "format=duration", "-of",
                    "csv=p=0", vod).trim());
            assertThat(probed).isCloseTo(lost.getDouble("durationSeconds"), org.assertj.core.data.Offset.offset(2.5));
            assertThat(run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i", vod, "-f", "null", "-")).isEmpty();
        }
    }

    /**
     * Two origins of a cluster share one bucket: the one that does not record a live broadcast
     * serves its DVR playlist and segments all the same; when the recording origin dies and the
     * streamer comes back at the other, the same recording goes on after a discontinuity, and ends
     * there as one VOD.
     */
    @Test
    void aRecordingInSharedStorageIsServedByEveryOriginAndGoesOnWhenItsOriginDies(@TempDir Path dataDir) throws Exception {
        s3 = TestS3Server.start();
        s3.createBucket(BUCKET);
        Map<String, String> store = Map.of("VCDN_RECORDING_STORE", "s3", "VCDN_RECORDING_S3_ENDPOINT", s3.endpoint().toString(),
                "VCDN_RECORDING_S3_BUCKET", BUCKET, "VCDN_RECORDING_S3_ACCESS_KEY", TestS3Server.ACCESS_KEY,
                "VCDN_RECORDING_S3_SECRET_KEY", TestS3Server.SECRET_KEY);
        String key = "cluster-key";
        Duration grace = Duration.ofSeconds(8);
        try (TestAuthServer auth = TestAuthServer.start(Map.of(key, "shared"), new JsonObject().put("recording", true))) {
            String cluster = "recording-cluster-" + UUID.randomUUID();
            int portA = FreePorts.next();
            int portB = FreePorts.next();
            ClusteredOrigin a = ClusteredOrigin.start(dataDir.resolve("a"), cluster, portA, portB, auth.url(), grace, store);
            try (ClusteredOrigin b = ClusteredOrigin.start(dataDir.resolve("b"), cluster, portB, portA, auth.url(), grace, store)) {
                Process publisher = LiveOrigin.publisher(a.rtmpUrl(key), "320x180", 300);
                String id;
                try {
                    id = awaitListed(b.httpUrl(), "shared", list -> true).getJsonObject(0).getString("id");
                    String media = b.httpUrl() + "/recordings/" + id + "/source/index.m3u8";
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                    while (status(media) != 200 || PlaylistParser.parseMedia(text(media)).segments().size() < 3) {
                        assertThat(System.nanoTime()).as("three segments served by the other origin within 40 s").isLessThan(deadline);
                        TimeUnit.MILLISECONDS.sleep(500);
                    }
                    assertThat(text(media)).as("live at the other origin").contains("#EXT-X-PLAYLIST-TYPE:EVENT");
                    assertThat(awaitListed(b.httpUrl(), "shared", list -> true).getJsonObject(0).getValue("endedAt")).isNull();
                    Segment first = PlaylistParser.parseMedia(text(media)).segments().get(0);
                    assertThat(bytes(b.httpUrl() + "/recordings/" + id + "/source/" + first.uri()))
                            .isEqualTo(bytes(a.httpUrl() + "/recordings/" + id + "/source/" + first.uri()));
                } finally {
                    a.close(); // the recording origin dies mid-broadcast
                    publisher.destroyForcibly();
                }
                publisher = publishUntilHeld(b, key);
                try {
                    TimeUnit.SECONDS.sleep(10);
                } finally {
                    publisher.destroyForcibly();
                }
                JsonArray list = awaitListed(b.httpUrl(), "shared", recordings -> recordings.getJsonObject(0).getValue("endedAt") != null);
                assertThat(list).as("one broadcast, one recording, across both origins").hasSize(1);
                assertThat(list.getJsonObject(0).getString("id")).isEqualTo(id);
                String vod = text(b.httpUrl() + "/recordings/" + id + "/source/index.m3u8");
                System.out.println("the recording across two origins:\n" + vod);
                assertThat(vod).contains("#EXT-X-PLAYLIST-TYPE:VOD").contains("#EXT-X-DISCONTINUITY").endsWith("#EXT-X-ENDLIST\n");
                String out = run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i",
                        b.httpUrl() + list.getJsonObject(0).getString("master"), "-c", "copy", "-f", "null", "-");
                System.out.println("ffmpeg over the recording across two origins: " + (out.isEmpty() ? "no errors" : out));
            } finally {
                a.close();
            }
        }
    }

    /** Publishes to {@code origin} again and again until it holds the channel (the cluster has seen the other die). */
    private Process publishUntilHeld(ClusteredOrigin origin, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            Process attempt = LiveOrigin.publisher(origin.rtmpUrl(key), "320x180", 300);
            TimeUnit.SECONDS.sleep(3);
            if (attempt.isAlive()) {
                return attempt;
            }
            assertThat(System.nanoTime()).as("the other origin took the publisher within 40 s").isLessThan(deadline);
        }
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private List<Path> segmentsIn(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var listed = Files.list(folder)) {
            return listed.filter(p -> SegmentFile.parse(p.getFileName().toString()).isPresent()).toList();
        }
    }

    /** Top-level MP4 boxes that fill the file exactly, a moof and an mdat among them. */
    private static boolean isWholeFragment(byte[] bytes) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        boolean moof = false;
        boolean mdat = false;
        while (buffer.remaining() >= 8) {
            long size = Integer.toUnsignedLong(buffer.getInt(buffer.position()));
            String type = new String(bytes, buffer.position() + 4, 4, StandardCharsets.US_ASCII);
            if (size < 8 || size > buffer.remaining()) {
                return false;
            }
            moof |= type.equals("moof");
            mdat |= type.equals("mdat");
            buffer.position(buffer.position() + (int) size);
        }
        return buffer.remaining() == 0 && moof && mdat;
    }

    private JsonArray awaitListed(String originUrl, String channel, Predicate<JsonArray> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonArray list = new JsonArray(text(originUrl + "/api/recordings?channel=" + channel));
            if (!list.isEmpty() && wanted.test(list)) {
                return list;
            }
            assertThat(System.nanoTime()).as("recordings as wanted within 60 s: %s", list).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Every segment of every recorded rendition: through the edge and in the bucket, the bytes the live URLs served. */
    private void everyRecordedSegmentIsWhatTheLiveUrlsServed(String id, Map<String, Map<Long, byte[]>> served) throws Exception {
        String broadcast = id.substring(id.indexOf('.') + 1);
        MultivariantPlaylist master = variants("/recordings/" + id + "/master.m3u8");
        List<String> media = new ArrayList<>();
        master.variants().forEach(v -> media.add(v.uri()));
        master.audio().forEach(a -> media.add(a.uri()));
        assertThat(media).hasSizeGreaterThanOrEqualTo(2);
        int compared = 0;
        for (String uri : media) {
            String rendition = uri.substring(0, uri.indexOf('/'));
            MediaPlaylist playlist = PlaylistParser.parseMedia(text(edge.url() + "/recordings/" + id + "/" + uri));
            Map<Long, byte[]> live = served.get(rendition);
            assertThat(live).as("%s was served live", rendition).isNotNull();
            List<Long> recorded = new ArrayList<>();
            for (Segment segment : playlist.segments()) {
                long msn = SegmentFile.parse(segment.uri()).orElseThrow().msn();
                recorded.add(msn);
                byte[] throughEdge = bytes(edge.url() + "/recordings/" + id + "/" + rendition + "/" + segment.uri());
                assertThat(live.get(msn)).as("%s segment %d served live", rendition, msn).isNotNull();
                assertThat(throughEdge).as("%s segment %d through the edge", rendition, msn).isEqualTo(live.get(msn));
                assertThat(s3.object(BUCKET, CHANNEL + "/" + broadcast + "/" + rendition + "/" + segment.uri()))
                        .as("%s segment %d in the bucket", rendition, msn).isEqualTo(live.get(msn));
                compared++;
            }
            assertThat(recorded).as("%s: every segment served live is recorded", rendition).containsAll(live.keySet());
        }
        System.out.println("recorded segments compared with what was served live: " + compared);
    }

    /** A second viewer of the same recording's segment costs the origin nothing: the edge keeps it. */
    private void aRecordingObjectIsFetchedOncePerEdge(String vodMedia) throws Exception {
        Segment last = PlaylistParser.parseMedia(text(edge.url() + vodMedia)).segments().get(3);
        String segment = vodMedia.substring(0, vodMedia.lastIndexOf('/') + 1) + last.uri();
        bytes(edge.url() + segment);
        double before = originFetches();
        for (int i = 0; i < 5; i++) {
            bytes(edge.url() + segment);
        }
        assertThat(originFetches()).as("recording objects fetched from the origin").isEqualTo(before);
    }

    private double originFetches() throws Exception {
        Matcher m = Pattern.compile("vcdn_edge_upstream_fetches_total\\{[^}]*kind=\"recording\"[^}]*source=\"origin\"[^}]*} ([0-9.E]+)")
                .matcher(text(edge.url() + "/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private JsonObject awaitRecording(String originUrl, Predicate<JsonObject> wanted, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            JsonArray list = new JsonArray(text(originUrl + "/api/recordings?channel=" + CHANNEL));
            if (!list.isEmpty()) {
                assertThat(list).as("one broadcast, one recording").hasSize(1);
                if (wanted.test(list.getJsonObject(0))) {
                    return list.getJsonObject(0);
                }
            }
            assertThat(System.nanoTime()).as("the recording as wanted within %d s: %s", seconds, list).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private MultivariantPlaylist variants(String master) throws Exception {
        return PlaylistParser.parseMultivariant(text(edge.url() + master));
    }

    private String text(String url) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(url).isEqualTo(200);
        return answer.body();
    }

    private byte[] bytes(String url) throws Exception {
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).as(url).isEqualTo(200);
        return answer.body();
    }
}
