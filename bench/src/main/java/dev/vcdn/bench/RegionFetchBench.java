package dev.vcdn.bench;

import dev.vcdn.edge.EdgeProcess;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.RecordingProxy;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/edge-region: how often one region asks the origin for each object while many LL-HLS
 * viewers watch through its edges. An origin (in-process, a 640x360 test pattern published with
 * the bundled ffmpeg), a counting proxy in front of it, two edges of one region, and N viewers
 * split over the edges, each doing what an LL-HLS player does (hold the preload-hinted part,
 * then a blocking reload for it). Anchor: a plain caching proxy per node fetches every object
 * once per node, i.e. (edges) fetches per object; the ratio compares the region's fetches to that.
 *
 * <p>Usage: RegionFetchBench [SECONDS] [VIEWERS]. Prints a Markdown table and a ratio line.
 */
public final class RegionFetchBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int EDGES = 2;

    private RegionFetchBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int viewers = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);

        BenchOrigin origin = BenchOrigin.start(ffmpeg, "640x360", seconds + 30, List.of());
        int originHttp = origin.httpPort();

        Vertx proxyVertx = Vertx.vertx();
        RecordingProxy proxy = new RecordingProxy(proxyVertx, originHttp);
        int proxyPort = proxy.start().toCompletionStage().toCompletableFuture().get();
        String cluster = "bench-edge-" + System.nanoTime();
        int[] clusterPorts = {BenchOrigin.freePort(), BenchOrigin.freePort()};
        List<RunningProcess> edges = new ArrayList<>();
        for (int i = 0; i < EDGES; i++) {
            EdgeProcess edgeProcess = new EdgeProcess();
            edges.add(ProcessLauncher.start(edgeProcess, ProcessLauncher.readConfig(edgeProcess, Optional.empty(), Map.of(
                    "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_ORIGIN_URL", "http://127.0.0.1:" + proxyPort,
                    "VCDN_REGION", "bench", "VCDN_CLUSTER_NAME", cluster,
                    "VCDN_CLUSTER_PORT", Integer.toString(clusterPorts[i]),
                    "VCDN_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPorts[1 - i])))
                    .toCompletionStage().toCompletableFuture().get());
        }
        String rendition = awaitRendition("http://127.0.0.1:" + edges.get(0).port("http"));

        // Viewers watch; the counting starts once all have joined.
        Set<String> partsServed = ConcurrentHashMap.newKeySet();
        AtomicLong requests = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger hintsNeverMade = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 5);
        long countFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Thread> threads = new ArrayList<>();
        for (int v = 0; v < viewers; v++) {
            String base = "http://127.0.0.1:" + edges.get(v % EDGES).port("http") + "/live/bench/" + rendition + "/";
            Thread viewer = new Thread(() -> watch(base, end, countFrom, partsServed, requests, hintsNeverMade, failures), "viewer-" + v);
            viewer.start();
            threads.add(viewer);
        }
        TimeUnit.NANOSECONDS.sleep(countFrom - System.nanoTime());
        proxy.reset();
        for (Thread viewer : threads) {
            viewer.join();
        }
        Map<String, Integer> counted = proxy.playbackRequests();
        int partFetches = 0;
        int playlistFetches = 0;
        int segmentFetches = 0;
        for (Map.Entry<String, Integer> entry : counted.entrySet()) {
            String target = entry.getKey();
            if (target.matches(".*/[0-9]+\\.[0-9]+\\.m4s")) {
                partFetches += entry.getValue();
            } else if (target.contains(".m3u8")) {
                playlistFetches += entry.getValue();
            } else if (target.endsWith(".m4s")) {
                segmentFetches += entry.getValue();
            }
        }
        int objects = partsServed.size();
        System.out.printf("| viewers | edges | parts served (distinct) | viewer requests | hinted parts never made (404) "
                + "| failed | origin part fetches | origin playlist fetches | origin segment fetches | origin event streams |%n");
        System.out.printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
        System.out.printf("| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n", viewers, EDGES, objects, requests.get(),
                hintsNeverMade.get(), failures.get(), partFetches, playlistFetches, segmentFetches, proxy.openEventStreams());
        double perObject = objects == 0 ? Double.NaN : (double) partFetches / objects;
        System.out.printf("%n- origin part fetches per part per region: %.2f (each part arrives once per region over the owner's "
                + "event stream instead); a per-node caching proxy: %d.00; ratio region / per-node proxy = **%.2f**%n",
                perObject, EDGES, perObject / EDGES);

        for (RunningProcess edge : edges) {
            edge.stop().toCompletionStage().toCompletableFuture().get();
        }
        proxyVertx.close();
        origin.close();
        System.exit(0);
    }

    /** One LL-HLS viewer: hold the hinted part, then the blocking reload for it, until the end. */
    private static void watch(String base, long end, long countFrom, Set<String> partsServed, AtomicLong requests,
                              AtomicInteger hintsNeverMade, AtomicInteger failures) {
        try {
            MediaPlaylist playlist = PlaylistParser.parseMedia(get(base + "index.m3u8").body());
            while (System.nanoTime() < end) {
                String hint = playlist.preloadHint().orElseThrow();
                String[] numbers = hint.replace(".m4s", "").split("\\.");
                HttpResponse<String> part = get(base + hint);
                HttpResponse<String> next = get(base + "index.m3u8?_HLS_msn=" + numbers[0] + "&_HLS_part=" + numbers[1]);
                boolean counting = System.nanoTime() > countFrom;
                if (counting) {
                    requests.addAndGet(2);
                }
                if (part.statusCode() == 404 && next.statusCode() == 200) {
                    // The hint named a part of a segment that closed first: LL-HLS players expect this.
                    if (counting) {
                        hintsNeverMade.incrementAndGet();
                    }
                    playlist = PlaylistParser.parseMedia(next.body());
                    continue;
                }
                if (part.statusCode() != 200 || next.statusCode() != 200) {
                    if (counting) {
                        failures.incrementAndGet();
                    }
                    playlist = PlaylistParser.parseMedia(get(base + "index.m3u8").body());
                    continue;
                }
                if (counting) {
                    partsServed.add(hint);
                }
                playlist = PlaylistParser.parseMedia(next.body());
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    private static String awaitRendition(String edge) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> master = get(edge + "/live/bench/master.m3u8");
            if (master.statusCode() == 200) {
                String variant = master.body().lines().filter(l -> l.endsWith("index.m3u8")).reduce((a, b) -> b).orElseThrow();
                return variant.substring(0, variant.indexOf('/'));
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("the stream did not go live");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
