package dev.vcdn.bench;

import dev.vcdn.origin.OriginConfig;
import dev.vcdn.origin.OriginVerticle;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessMetrics;
import dev.vcdn.shared.process.Readiness;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.OriginEnvironment;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
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
 * The origin of the ingest benchmarks, in this JVM: its pipeline only counts each channel's video
 * frames, so what costs CPU is the ingest protocol under test. Measures the JVM's CPU over a
 * publish, and over as long an idle stretch after it.
 */
final class CountingOrigin implements AutoCloseable {

    /** What one measured publish cost. */
    record Measurement(long cpuNanos, long wallNanos, long idleCpuNanos) {
        @Override
        public String toString() {
            return String.format("ingest cpu %.2f s over %.2f s wall; idle cpu %.2f s", cpuNanos / 1e9, wallNanos / 1e9,
                    idleCpuNanos / 1e9);
        }
    }

    /** A publish of every stream, to its end. */
    interface Publish {
        void run() throws Exception;
    }

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, AtomicLong> frames = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch> ended = new AtomicReference<>();
    private final ProcessContext context =
            new ProcessContext("origin", new ProcessMetrics("origin", "bench").registry(), new Readiness());
    private final OriginVerticle origin;

    /** @param settings more settings (environment variable names) for the origin */
    CountingOrigin(String name, Map<String, String> settings) throws Exception {
        Map<String, String> env = OriginEnvironment.loopback(Files.createTempDirectory("bench-" + name),
                BenchOrigin.ADMIN_TOKEN, "bench-" + name);
        env.putAll(settings);
        OriginConfig config = OriginConfig.read(ConfigSource.ofEnvironment(env));
        origin = new OriginVerticle(config, context, packages -> (grant, ladderReady) -> countingSink(grant),
                new ThumbnailStore());
        vertx.deployVerticle(origin).toCompletionStage().toCompletableFuture().get();
    }

    int port(String endpoint) {
        return origin.endpoints().stream().filter(e -> e.name().equals(endpoint)).findFirst().orElseThrow().port();
    }

    /** Channels {@code prefix}0..N-1; their stream keys. */
    List<String> createChannels(String prefix, int count) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(AdminApi.createChannel(port("http"), BenchOrigin.ADMIN_TOKEN, prefix + i));
        }
        return keys;
    }

    /** Runs a publish of {@code streams} streams and waits (at most 10 s after it) for every one to end. */
    void publish(int streams, Publish publish) throws Exception {
        frames.clear();
        ended.set(new CountDownLatch(streams));
        publish.run();
        ended.get().await(10, TimeUnit.SECONDS);
    }

    /** The same, measured. */
    Measurement measure(int streams, Publish publish) throws Exception {
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        publish(streams, publish);
        long wall = System.nanoTime() - started;
        long cpu = processCpuNanos() - cpuBefore;
        long idleBefore = processCpuNanos();
        TimeUnit.NANOSECONDS.sleep(wall);
        return new Measurement(cpu, wall, processCpuNanos() - idleBefore);
    }

    /** Video frames per channel of the last publish. */
    Map<String, Long> frames() {
        Map<String, Long> counts = new TreeMap<>();
        frames.forEach((channel, count) -> counts.put(channel, count.get()));
        return counts;
    }

    double counter(String name) {
        return context.metrics().counter(name).count();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private MediaSink countingSink(PublishGrant grant) {
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

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
