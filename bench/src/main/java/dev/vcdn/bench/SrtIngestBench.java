package dev.vcdn.bench;

import dev.vcdn.origin.OriginConfig;
import dev.vcdn.origin.OriginVerticle;
import dev.vcdn.origin.auth.PublishGrant;
import dev.vcdn.origin.ingest.MediaSink;
import dev.vcdn.origin.ingest.PipelineFactory;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessMetrics;
import dev.vcdn.shared.process.Readiness;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Our side of bench/srt-ingest: {@code N} publishers send the same recorded MPEG-TS file over SRT
 * (the ffmpeg program of our build, {@code -re -c copy}) to an origin whose pipeline only counts
 * the frames, so what is measured is the SRT listener and the TS demuxer. After a warm-up publish
 * (the JIT at work) prints the JVM's CPU time over the measured publish, the same over as long an
 * idle stretch after it, the frames each stream delivered, and the lost and dropped packets.
 *
 * <p>Usage: {@code SrtIngestBench STREAMS FILE.ts FFMPEG}.
 */
public final class SrtIngestBench {

    private static final String ADMIN_TOKEN = "bench-admin-token-0123456789";
    private static final int WARM_UP_SECONDS = 6;

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        String file = args[1];
        String ffmpeg = args[2];
        Map<String, AtomicLong> frames = new ConcurrentHashMap<>();
        AtomicReference<CountDownLatch> ended = new AtomicReference<>(new CountDownLatch(streams));
        PipelineFactory counting = (grant, ladderReady) -> countingSink(grant, frames, ended);

        Vertx vertx = Vertx.vertx();
        Map<String, String> env = BenchOrigin.loopbackEnvironment("bench-srt");
        env.put("VCDN_SRT_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(Math.max(8, streams)));
        env.put("VCDN_ADMIN_TOKEN", ADMIN_TOKEN);
        OriginConfig config = OriginConfig.read(ConfigSource.ofEnvironment(env));
        ProcessContext context = new ProcessContext("origin", new ProcessMetrics("origin", "bench").registry(), new Readiness());
        OriginVerticle origin = new OriginVerticle(config, context, packages -> counting, new ThumbnailStore());
        vertx.deployVerticle(origin).toCompletionStage().toCompletableFuture().get();
        int http = port(origin, "http");
        int srt = port(origin, "srt");

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            keys.add(BenchOrigin.createChannel(http, ADMIN_TOKEN, "srt" + i));
        }
        // Warm-up: the JIT compiles the receive path (about a second of CPU) before anything is measured,
        // as it long has in a running origin.
        publishAll(ffmpeg, file, srt, keys, WARM_UP_SECONDS);
        ended.get().await(10, TimeUnit.SECONDS);
        frames.clear();
        ended.set(new CountDownLatch(streams));
        double lostBefore = counter(context, "vcdn.ingest.srt.lost.packets");
        double droppedBefore = counter(context, "vcdn.ingest.srt.dropped.packets");

        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        publishAll(ffmpeg, file, srt, keys, 0);
        ended.get().await(10, TimeUnit.SECONDS);
        long wall = System.nanoTime() - started;
        long cpu = processCpuNanos() - cpuBefore;
        long idleBefore = processCpuNanos();
        TimeUnit.NANOSECONDS.sleep(wall);
        long idle = processCpuNanos() - idleBefore;

        System.out.printf("ingest cpu %.2f s over %.2f s wall; idle cpu %.2f s%n", cpu / 1e9, wall / 1e9, idle / 1e9);
        System.out.println("frames " + new TreeMap<>(frames));
        System.out.printf("lost %.0f dropped %.0f%n", counter(context, "vcdn.ingest.srt.lost.packets") - lostBefore,
                counter(context, "vcdn.ingest.srt.dropped.packets") - droppedBefore);
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** Runs one publisher per key to its end; {@code seconds} 0 sends the whole file. */
    private static void publishAll(String ffmpeg, String file, int srtPort, List<String> keys, int seconds) throws Exception {
        List<Process> running = new ArrayList<>();
        for (String key : keys) {
            List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                    "-i", file, "-c", "copy"));
            if (seconds > 0) {
                command.addAll(List.of("-t", Integer.toString(seconds)));
            }
            command.addAll(List.of("-f", "mpegts", "srt://127.0.0.1:" + srtPort + "?streamid=#!::r=live/" + key + ",m=publish"));
            running.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process process : running) {
            process.waitFor();
        }
    }

    private static double counter(ProcessContext context, String name) {
        return context.metrics().counter(name).count();
    }

    /** A sink that takes everything at once and counts the video frames of its channel. */
    private static MediaSink countingSink(PublishGrant grant, Map<String, AtomicLong> frames,
                                          AtomicReference<CountDownLatch> ended) {
        AtomicLong count = frames.computeIfAbsent(grant.channel().value(), c -> new AtomicLong());
        return new MediaSink() {
            @Override
            public boolean offer(MediaPacket packet) {
                if (packet.kind() == MediaKind.VIDEO && !packet.isConfig()) {
                    count.incrementAndGet();
                }
                return true;
            }

            @Override
            public void whenWritable(Runnable callback) {
                callback.run();
            }

            @Override
            public void close() {
                ended.get().countDown();
            }
        };
    }

    private static int port(OriginVerticle origin, String name) {
        return origin.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().port();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private SrtIngestBench() {
    }
}
