package dev.vcdn.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/viewers: thousands of virtual LL-HLS viewers ({@link VirtualViewer}) against one edge,
 * from one JVM on a few event loops. Each viewer connects from a loopback address of its own
 * (127.10.0.1 and up), so the edge counts and limits them as distinct clients. Prints one line a
 * second: viewers playing without a stall, stalls, errors by status, the edge's own delay for held
 * reloads and parts (from its {@code Vcdn-Since-Arrival-Us} header), and the edge's CPU and RSS;
 * then a JSON summary of the measured window.
 *
 * <p>Usage: {@code ViewerLoad --url http://127.0.0.1:PORT --channel C --viewers N [--seconds S]
 * [--ramp S] [--slow SHARE] [--drop SHARE] [--slow-kbps K] [--pid PID,...] [--out FILE]
 * [--loops N]}; stops by itself after ramp + seconds.
 */
public final class ViewerLoad {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a viewer keeps an unused connection in its pool: below the edge's idle timeout (60 s).
     * At the pool's default, also 60 s, a connection the edge was closing as idle was now and then
     * taken for a request in the same instant, and the request failed as "connection closed", about
     * one every 20 s of a 1,000-viewer soak. tcpdump showed the edge's FIN 40-50 ms before the
     * request, then its RST; the client's idle timeout (30 s) did not close those pooled connections.
     * Browsers retry a request that meets such a close on a reused connection; this generator counts
     * every failure, so it lets go of idle connections first instead.
     */
    private static final int KEEP_ALIVE_SECONDS = 30;
    private static final long LAG_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A second in which a generator loop ran this late counts as the generator's, not the server's. */
    private static final long LAGGING_MICROS = 200_000;

    private ViewerLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        URI edge = URI.create(options.getOrDefault("--url", "http://127.0.0.1:8081"));
        String channel = options.getOrDefault("--channel", "demo");
        int viewers = Integer.parseInt(options.getOrDefault("--viewers", "100"));
        int seconds = Integer.parseInt(options.getOrDefault("--seconds", "30"));
        int ramp = Integer.parseInt(options.getOrDefault("--ramp", "10"));
        double slowShare = Double.parseDouble(options.getOrDefault("--slow", "0"));
        double dropShare = Double.parseDouble(options.getOrDefault("--drop", "0"));
        long slowBits = Long.parseLong(options.getOrDefault("--slow-kbps", "100")) * 1000;
        int loops = Integer.parseInt(options.getOrDefault("--loops", "2"));
        List<Long> pids = options.containsKey("--pid")
                ? Arrays.stream(options.get("--pid").split(",")).map(Long::parseLong).toList() : List.of();
        Optional<Path> out = Optional.ofNullable(options.get("--out")).map(Path::of);
        if (viewers > 250 * 250 * 4) {
            throw new IllegalArgumentException("at most 250,000 viewers (their loopback addresses)");
        }

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        LoadStats stats = new LoadStats();
        // A stall the generator causes itself (its loops late, its GC) must not be blamed on the server.
        AtomicLong loopLagMicros = new AtomicLong();
        for (int i = 0; i < loops; i++) {
            vertx.getOrCreateContext().runOnContext(ignored -> {
                long[] expected = {System.nanoTime() + LAG_PROBE_NANOS};
                vertx.setPeriodic(LAG_PROBE_NANOS / 1_000_000, id -> {
                    long now = System.nanoTime();
                    loopLagMicros.accumulateAndGet((now - expected[0]) / 1000, Math::max);
                    expected[0] = now + LAG_PROBE_NANOS;
                });
            });
        }
        long laggingSeconds = 0;
        VirtualViewer.Behaviour behaviour = new VirtualViewer.Behaviour(channel, TimeUnit.SECONDS.toNanos(60),
                TimeUnit.SECONDS.toNanos(30), slowBits, 0.1);
        List<VirtualViewer> crowd = new ArrayList<>();
        ProcessSample idle = sample(pids);
        long begin = System.nanoTime();
        long measureFrom = begin + TimeUnit.SECONDS.toNanos(ramp + 5L);
        long end = begin + TimeUnit.SECONDS.toNanos(ramp + (long) seconds);
        JsonArray perSecond = new JsonArray();
        DelayHistogram reloads = new DelayHistogram();
        DelayHistogram parts = new DelayHistogram();
        Map<String, Long> errorsMeasured = new HashMap<>();
        Map<String, Long> otherErrorsMeasured = new HashMap<>();
        long measuredSeconds = 0;
        long stallsMeasured = 0;
        long steadyViewerSeconds = 0;
        long playingSeconds = 0;
        ProcessSample atMeasureStart = null;
        ProcessSample last = idle;
        int slowCount = (int) Math.round(viewers * slowShare);
        int dropCount = (int) Math.round(viewers * dropShare);
        System.out.println("t_s viewers playing_ok stalls joins errors reload_p50/p99_ms part_p50/p99_ms req_s server_cpu_% "
                + "server_rss_mib generator_lag_ms");

        for (long tick = begin + SECOND; tick <= end; tick += SECOND) {
            // Joins spread evenly over the ramp, each viewer on an event loop context of its own.
            long due = Math.min(viewers, (long) viewers * (tick - begin) / Math.max(1, TimeUnit.SECONDS.toNanos(ramp)));
            while (crowd.size() < due) {
                int i = crowd.size();
                VirtualViewer.Kind kind = i % 100 < 100 * slowCount / Math.max(1, viewers) ? VirtualViewer.Kind.SLOW
                        : i % 100 < 100 * (slowCount + dropCount) / Math.max(1, viewers) ? VirtualViewer.Kind.DROPPING
                        : VirtualViewer.Kind.STEADY;
                HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(address(i))
                        .setKeepAlive(true).setDecompressionSupported(true).setReceiveBufferSize(kind == VirtualViewer.Kind.SLOW ? 8192 : -1)
                        .setIdleTimeout(30).setKeepAliveTimeout(KEEP_ALIVE_SECONDS), new PoolOptions().setHttp1MaxSize(4));
                VirtualViewer viewer = new VirtualViewer(vertx, client, edge.getHost(), edge.getPort(), kind, behaviour, stats, i);
                crowd.add(viewer);
                Context context = vertx.getOrCreateContext();
                context.runOnContext(ignored -> viewer.start());
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, tick - System.nanoTime()));

            long now = System.nanoTime();
            int steady = 0;
            int ok = 0;
            for (VirtualViewer viewer : crowd) {
                if (viewer.kind() == VirtualViewer.Kind.STEADY && viewer.playing()) {
                    steady++;
                    if (viewer.playingWithoutStall(now - SECOND, now)) {
                        ok++;
                    }
                }
            }
            DelayHistogram secondReloads = stats.heldReloads.drain();
            DelayHistogram secondParts = stats.heldParts.drain();
            Map<String, Long> errors = stats.drainErrors();
            Map<String, Long> otherErrors = stats.drainOtherErrors();
            long stalls = stats.stalls.sumThenReset();
            ProcessSample current = sample(pids);
            double cpu = (current.cpuNanos() - last.cpuNanos()) * 100.0 / SECOND;
            last = current;
            long second = (now - begin + SECOND / 2) / SECOND;
            long lag = loopLagMicros.getAndSet(0);
            System.out.printf("%d %d %d %d %d %s %.1f/%.1f %.1f/%.1f %d %.0f %d %d%n", second, crowd.size(), ok, stalls,
                    stats.joins.sumThenReset(), errors.isEmpty() ? "-" : errors.toString().replace(" ", ""),
                    secondReloads.percentileMillis(0.5), secondReloads.percentileMillis(0.99),
                    secondParts.percentileMillis(0.5), secondParts.percentileMillis(0.99), stats.requests.sumThenReset(), cpu,
                    current.rssBytes() >> 20, lag / 1000);
            perSecond.add(new JsonObject().put("t", second).put("viewers", crowd.size()).put("steadyPlaying", steady)
                    .put("playingWithoutStall", ok).put("stalls", stalls).put("errors", new JsonObject(new HashMap<>(errors)))
                    .put("edgeCpuPercent", cpu).put("edgeRssBytes", current.rssBytes()).put("generatorLagMs", lag / 1000));
            if (now >= measureFrom) {
                if (atMeasureStart == null) {
                    atMeasureStart = current;
                } else {
                    reloads.add(secondReloads);
                    parts.add(secondParts);
                    errors.forEach((kind, n) -> errorsMeasured.merge(kind, n, Long::sum));
                    otherErrors.forEach((kind, n) -> otherErrorsMeasured.merge(kind, n, Long::sum));
                    measuredSeconds++;
                    stallsMeasured += stalls;
                    laggingSeconds += lag > LAGGING_MICROS ? 1 : 0;
                    steadyViewerSeconds += steady;
                    playingSeconds += ok;
                }
            }
        }
        crowd.forEach(viewer -> viewer.stop());
        JsonObject summary = summary(viewers, slowCount, dropCount, idle, atMeasureStart, last, reloads, parts, errorsMeasured,
                stallsMeasured, steadyViewerSeconds, playingSeconds, measuredSeconds, crowd.size(), stats);
        summary.put("slowOrLeavingViewerErrors", new JsonObject(new HashMap<>(otherErrorsMeasured)));
        summary.put("generatorLaggingSeconds", laggingSeconds);
        summary.put("perSecond", perSecond);
        System.out.println(summary.copy().put("perSecond", perSecond.size() + " rows").encodePrettily());
        if (out.isPresent()) {
            Files.writeString(out.get(), summary.encodePrettily());
        }
        vertx.close().await();
        System.exit(0);
    }

    private static JsonObject summary(int viewers, int slow, int dropping, ProcessSample idle, ProcessSample from, ProcessSample to,
                                      DelayHistogram reloads, DelayHistogram parts, Map<String, Long> errors, long stalls,
                                      long steadyViewerSeconds, long playingSeconds, long measuredSeconds, int joined,
                                      LoadStats stats) {
        long cpuNanos = from == null ? 0 : to.cpuNanos() - from.cpuNanos();
        long viewerSeconds = (long) viewers * measuredSeconds;
        return new JsonObject()
                .put("viewers", viewers).put("slowViewers", slow).put("droppingViewers", dropping).put("joined", joined)
                .put("steadyViewerSeconds", steadyViewerSeconds)
                .put("playingWithoutStallShare", steadyViewerSeconds == 0 ? 0 : (double) playingSeconds / steadyViewerSeconds)
                .put("stalls", stalls).put("slowOrLeavingViewerStalls", stats.otherStalls.sum())
                .put("steadyStalledSecondsWholeRun", stats.stalledMicros.sum() / 1e6).put("bytesReceivedWholeRun", stats.bytes.sum())
                .put("errors", new JsonObject(new HashMap<>(errors)))
                .put("errorsTotal", errors.values().stream().mapToLong(Long::longValue).sum())
                .put("hintedPartsNeverMade", stats.hintsNeverMade.sum())
                .put("drops", stats.drops.sum()).put("switches", stats.switches.sum()).put("thumbnails", stats.thumbnails.sum())
                .put("heldReloads", reloads.count())
                .put("heldReloadP50Ms", reloads.percentileMillis(0.5)).put("heldReloadP99Ms", reloads.percentileMillis(0.99))
                .put("heldReloadP999Ms", reloads.percentileMillis(0.999))
                .put("heldParts", parts.count())
                .put("heldPartP50Ms", parts.percentileMillis(0.5)).put("heldPartP99Ms", parts.percentileMillis(0.99))
                .put("measuredSeconds", measuredSeconds)
                .put("edgeCpuMicrosPerViewerSecond", viewerSeconds == 0 ? 0 : cpuNanos / 1000.0 / viewerSeconds)
                .put("edgeRssIdleBytes", idle.rssBytes()).put("edgeRssEndBytes", to.rssBytes())
                // Meaningful when the server was started afresh for this run (its idle figure is then its own).
                .put("edgeRssBytesPerViewer", (to.rssBytes() - idle.rssBytes()) / (double) Math.max(1, viewers));
    }

    /** Viewer {@code i}'s own loopback address: 127.10.0.1, 127.10.0.2, ... (250 per third octet). */
    static String address(int i) {
        return "127." + (10 + i / (250 * 250)) + "." + (i / 250 % 250) + "." + (i % 250 + 1);
    }

    /** The server's processes together (nginx: its workers). */
    private static ProcessSample sample(List<Long> pids) throws IOException {
        long cpu = 0;
        long rss = 0;
        for (long pid : pids) {
            ProcessSample one = ProcessSample.of(pid);
            cpu += one.cpuNanos();
            rss += one.rssBytes();
        }
        return new ProcessSample(cpu, rss);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
