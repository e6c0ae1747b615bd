package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.shared.testing.RecordingProxy;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two edges of one region in front of a real origin (the packaged jar) with a real publish from
 * Debian's ffmpeg. The origin is reached through a proxy that counts every request, so the test
 * can say how often the region asked the origin for one object.
 */
class EdgeRegionIT {

    private static final int VIEWERS = 200;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<RunningProcess> edges = new ArrayList<>();
    private LiveOrigin origin;
    private Vertx proxyVertx;

    @BeforeAll
    static void needsFfmpeg() {
        LiveOrigin.requireFfmpeg();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (RunningProcess edge : edges) {
            edge.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        if (proxyVertx != null) {
            proxyVertx.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aRegionFetchesOnceServesIdenticallyRefusesAttacksAndSurvivesItsOwner(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, "alice", "426x240", 120);
        int originHttp = origin.httpPort();

        proxyVertx = Vertx.vertx();
        RecordingProxy proxy = new RecordingProxy(proxyVertx, originHttp);
        int proxyPort = proxy.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String cluster = "it-edge-" + UUID.randomUUID();
        int clusterA = FreePorts.next();
        int clusterB = FreePorts.next();
        RunningProcess edgeA = startEdge(cluster, clusterA, clusterB, proxyPort);
        RunningProcess edgeB = startEdge(cluster, clusterB, clusterA, proxyPort);
        String a = "http://127.0.0.1:" + edgeA.port("http");
        String b = "http://127.0.0.1:" + edgeB.port("http");

        // The ladder is up once the multivariant playlist is; viewers on both edges start watching.
        String master = await(a + "/live/alice/master.m3u8", Duration.ofSeconds(30));
        assertThat(master).contains("#EXT-X-STREAM-INF");
        var variants = PlaylistParser.parseMultivariant(master).variants();
        String rendition = variants.get(variants.size() - 1).uri().split("/")[0];
        String media = "/live/alice/" + rendition + "/index.m3u8";
        assertThat(await(b + media, Duration.ofSeconds(10))).contains("#EXT-X-PART");
        TimeUnit.SECONDS.sleep(3);

        // 200 blocking reloads for a coming part (far enough ahead that every request is held before
        // it exists), and 200 requests for that part, over both edges.
        MediaPlaylist now = PlaylistParser.parseMedia(get(a + media).body());
        // Two or more parts ahead of the hint: the hint may already name the next segment's first part.
        String[] hint = now.preloadHint().orElseThrow().split("\\.");
        boolean hintStartsASegment = Integer.parseInt(hint[1]) == 0;
        long targetMsn = Long.parseLong(hint[0]) + (hintStartsASegment ? 0 : 1);
        int targetPart = hintStartsASegment ? 3 : 1;
        String blocking = media + "?_HLS_msn=" + targetMsn + "&_HLS_part=" + targetPart;
        String part = "/live/alice/" + rendition + "/" + targetMsn + "." + targetPart + ".m4s";
        proxy.reset();
        List<CompletableFuture<HttpResponse<byte[]>>> playlists = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> parts = new ArrayList<>();
        CompletableFuture<HttpResponse<byte[]>> fromOrigin = getAsync("http://127.0.0.1:" + originHttp + blocking);
        for (int i = 0; i < VIEWERS; i++) {
            String edge = i % 2 == 0 ? a : b;
            playlists.add(getAsync(edge + blocking));
            parts.add(getAsync(edge + part));
        }
        CompletableFuture.allOf(playlists.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        HttpResponse<byte[]> originPlaylist = fromOrigin.get(20, TimeUnit.SECONDS);
        assertThat(originPlaylist.statusCode()).isEqualTo(200);
        for (CompletableFuture<HttpResponse<byte[]>> answer : playlists) {
            HttpResponse<byte[]> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as("the origin's playlist, byte for byte")
                    .isEqualTo(new String(originPlaylist.body(), StandardCharsets.UTF_8));
            assertSameHeaders(response, originPlaylist);
        }
        HttpResponse<byte[]> originPart = get("http://127.0.0.1:" + originHttp + part, HttpResponse.BodyHandlers.ofByteArray());
        for (CompletableFuture<HttpResponse<byte[]>> answer : parts) {
            HttpResponse<byte[]> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).as("the origin's part, byte for byte").isEqualTo(originPart.body());
            assertSameHeaders(response, originPart);
            assertThat(response.headers().firstValue("ETag")).isEqualTo(originPart.headers().firstValue("ETag"));
        }
        System.out.printf("origin requests: playlist state %d, part %d, all %s%n", proxy.count(blocking), proxy.count(part),
                proxy.playbackRequests());
        assertThat(proxy.count(blocking)).as("origin requests for that playlist state, region-wide").isLessThanOrEqualTo(1);
        assertThat(proxy.count(part)).as("origin requests for that part, region-wide").isLessThanOrEqualTo(1);

        // Whole segments, init: byte-identical too, and each fetched from the origin at most once for the region.
        MediaPlaylist later = PlaylistParser.parseMedia(get(a + media).body());
        String segment = "/live/alice/" + rendition + "/" + later.segments().get(later.segments().size() - 1).uri();
        String init = "/live/alice/" + rendition + "/" + later.mapUri().orElseThrow();
        for (String object : List.of(segment, init)) {
            byte[] expected = get("http://127.0.0.1:" + originHttp + object, HttpResponse.BodyHandlers.ofByteArray()).body();
            for (String edge : List.of(a, b, a, b)) {
                assertThat(get(edge + object, HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(expected);
            }
            assertThat(proxy.count(object)).as("origin requests for " + object).isLessThanOrEqualTo(1);
        }

        // Hostile paths: 400 at the edge, nothing upstream.
        proxy.reset();
        for (String target : List.of("/live/alice/../../etc/passwd", "/live/alice/160p/%2e%2e/x.m4s", "/live/alice%2Fx/master.m3u8",
                "/live//alice/master.m3u8", "/live/alice/160p/index.m3u8?_HLS_msn=1&evil=1", "/live/ALICE/master.m3u8",
                "/live/alice/160p/index.m3u8?_HLS_part=1", "/live/alice/160p/1.999999.m4s", "/live/alice/160p/init.mp4?x")) {
            assertThat(rawStatus(edgeA.port("http"), target)).as(target).isEqualTo(400);
        }
        assertThat(proxy.playbackRequests()).as("no upstream traffic for refused requests").isEmpty();

        floodOfMadeUpChannelsLeavesThePushesIntact(proxy, originHttp, a, b, media, rendition);

        // The owner of the channel dies: the other edge keeps serving the live stream and takes over.
        RunningProcess owner = ownerOf("alice", edgeA, edgeB);
        RunningProcess survivor = owner == edgeA ? edgeB : edgeA;
        String survivorUrl = "http://127.0.0.1:" + survivor.port("http");
        long msnBefore = lastMsn(PlaylistParser.parseMedia(get(survivorUrl + media).body()));
        crash(owner);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long msnAfter = msnBefore;
        int failures = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(survivorUrl + media);
            if (response.statusCode() == 200) {
                MediaPlaylist playlist = PlaylistParser.parseMedia(response.body());
                msnAfter = Math.max(msnAfter, lastMsn(playlist));
                String newest = "/live/alice/" + rendition + "/" + playlist.segments().get(playlist.segments().size() - 1).uri();
                assertThat(get(survivorUrl + newest, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
            } else {
                failures++;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        System.out.printf("takeover: %d failed playlist requests, msn %d -> %d%n", failures, msnBefore, msnAfter);
        assertThat(failures).as("playlist requests the survivor failed during the takeover").isLessThanOrEqualTo(2);
        assertThat(msnAfter).as("the live stream went on at the survivor").isGreaterThanOrEqualTo(msnBefore + 5);
        assertThat(metric(survivorUrl, "vcdn_edge_pushed_parts_total")).as("pushes resumed").isPositive();
        double pushedBefore = metric(survivorUrl, "vcdn_edge_pushed_parts_total");
        TimeUnit.SECONDS.sleep(2);
        assertThat(metric(survivorUrl, "vcdn_edge_pushed_parts_total")).as("the survivor now owns and relays the channel")
                .isGreaterThan(pushedBefore);
    }

    /**
     * 5,000 requests for channels that do not exist, each name asked twice, over both edges: all
     * answered 404, each name asked upstream at most once, and none followed: the region's one
     * subscription at the origin (which takes 1,000 channels) still pushes the watched channel,
     * whose blocking reloads are answered without asking the origin.
     */
    private void floodOfMadeUpChannelsLeavesThePushesIntact(RecordingProxy proxy, int originHttp, String a, String b,
                                                            String media, String rendition) throws Exception {
        proxy.reset();
        java.util.Random random = new java.util.Random(7);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            names.add("nobody" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String edge = i % 2 == 0 ? a : b;
            String target = i % 4 < 2 ? "/live/" + names.get(i) + "/master.m3u8"
                    : "/live/" + names.get(i) + "/" + rendition + "/index.m3u8";
            for (int twice = 0; twice < 2; twice++) {
                inFlight.acquire();
                answers.add(getAsync(edge + target).whenComplete((response, error) -> inFlight.release()));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
            assertThat(answer.get().statusCode()).isEqualTo(404);
        }
        Map<String, Integer> upstream = proxy.playbackRequests();
        System.out.printf("flood: %d requests for %d made-up channels, %d upstream%n", answers.size(), names.size(),
                upstream.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(upstream.values()).as("each made-up playlist asked upstream once: the second request collapsed or remembered")
                .allSatisfy(count -> assertThat(count).isEqualTo(1));
        // One after the other (nothing to collapse with): some answer comes from the edge's memory of the one before.
        for (int i = 0; i < 20; i++) {
            String target = "/live/" + names.get(i) + "/master.m3u8";
            String edge = i % 2 == 0 ? a : b;
            int before = proxy.count(target);
            for (int again = 0; again < 3; again++) {
                assertThat(get(edge + target).statusCode()).isEqualTo(404);
            }
            assertThat(proxy.count(target)).as("asked again at once: answered by the edge's memory of the 404")
                    .isLessThanOrEqualTo(before + 2);
        }

        // The watched channel: still pushed to both edges, a blocking reload answered from that.
        for (String edge : List.of(a, b)) {
            double pushed = metric(edge, "vcdn_edge_pushed_parts_total");
            TimeUnit.SECONDS.sleep(1);
            assertThat(metric(edge, "vcdn_edge_pushed_parts_total")).as("pushes go on at " + edge).isGreaterThan(pushed);
        }
        assertThat(metric("http://127.0.0.1:" + originHttp, "vcdn_events_followed_channels"))
                .as("channels the region follows at the origin: the watched one, none of the made-up ones").isEqualTo(1);
        proxy.reset();
        MediaPlaylist now = PlaylistParser.parseMedia(get(a + media).body());
        String[] hint = now.preloadHint().orElseThrow().split("\\.");
        String blocking = media + "?_HLS_msn=" + hint[0] + "&_HLS_part=" + hint[1];
        for (String edge : List.of(a, b)) {
            assertThat(get(edge + blocking).statusCode()).isEqualTo(200);
        }
        assertThat(proxy.count(blocking)).as("the blocking reload answered from pushes, not by the origin").isZero();
    }

    private RunningProcess startEdge(String cluster, int port, int otherPort, int originPort) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", "http://127.0.0.1:" + originPort,
                "VCDN_REGION", "eu", "VCDN_CLUSTER_NAME", cluster, "VCDN_CLUSTER_PORT", Integer.toString(port),
                "VCDN_CLUSTER_MEMBERS", "127.0.0.1:" + otherPort, "VCDN_CLUSTER_FAILURE_TIMEOUT", "4s"));
        EdgeProcess process = new EdgeProcess();
        EdgeConfig config = ProcessLauncher.readConfig(process, java.util.Optional.empty(), env);
        RunningProcess edge = ProcessLauncher.start(process, config).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        edges.add(edge);
        return edge;
    }

    private static HazelcastInstance hazelcast(RunningProcess edge) {
        return ((HazelcastClusterManager) ((VertxInternal) edge.vertx()).clusterManager()).getHazelcastInstance();
    }

    private static RunningProcess ownerOf(String channel, RunningProcess... candidates) {
        String owner = hazelcast(candidates[0]).getPartitionService().getPartition(channel).getOwner().getUuid().toString();
        for (RunningProcess candidate : candidates) {
            if (hazelcast(candidate).getCluster().getLocalMember().getUuid().toString().equals(owner)) {
                return candidate;
            }
        }
        throw new AssertionError("no candidate owns " + channel);
    }

    /** Like a crash for the region: the member vanishes without a goodbye, and its server with it. */
    private void crash(RunningProcess edge) throws Exception {
        edges.remove(edge);
        hazelcast(edge).getLifecycleService().terminate();
        edge.vertx().close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static long lastMsn(MediaPlaylist playlist) {
        return playlist.mediaSequence() + playlist.segments().size();
    }

    private String await(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<String> response = get(url);
            if (response.statusCode() == 200) {
                return response.body();
            }
            assertThat(System.nanoTime()).as(url + " within " + timeout).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return get(url, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(), body);
    }

    private CompletableFuture<HttpResponse<byte[]>> getAsync(String url) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertSameHeaders(HttpResponse<?> edge, HttpResponse<?> origin) {
        for (String header : List.of("Content-Type", "Cache-Control", "Access-Control-Allow-Origin")) {
            assertThat(edge.headers().firstValue(header)).as(header).isEqualTo(origin.headers().firstValue(header));
        }
    }

    /** The status line's code for a request target sent exactly as written. */
    private static int rawStatus(int port, String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    private double metric(String edge, String name) throws Exception {
        return get(edge + "/metrics").body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
