package dev.vcdn.bench;

import dev.vcdn.origin.OriginConfig;
import dev.vcdn.origin.OriginProcess;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.OriginEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An origin started in the benchmark's JVM with channel {@code bench} live: the ffmpeg program of
 * the same build publishes a test pattern and a tone over RTMP (x264 veryfast, zerolatency, 2 s
 * GOP, AAC) in real time. Benchmark programs run on their main thread, so waiting here is fine.
 */
final class BenchOrigin implements AutoCloseable {

    static final String ADMIN_TOKEN = "bench-admin-token-0123456789";

    private final RunningProcess origin;
    private final Process publisher;

    private BenchOrigin(RunningProcess origin, Process publisher) {
        this.origin = origin;
        this.publisher = publisher;
    }

    /**
     * @param size         picture size of the test pattern, e.g. 1280x720
     * @param seconds      how long the publisher runs
     * @param inputOptions ffmpeg options placed before the inputs (e.g. the initial read burst)
     */
    static BenchOrigin start(String ffmpeg, String size, int seconds, List<String> inputOptions) throws Exception {
        OriginProcess definition = new OriginProcess();
        Map<String, String> env = OriginEnvironment.loopback(Files.createTempDirectory("bench-origin"), ADMIN_TOKEN,
                "bench-" + System.nanoTime());
        OriginConfig config = ProcessLauncher.readConfig(definition, Optional.empty(), env);
        RunningProcess origin = ProcessLauncher.start(definition, config).toCompletionStage().toCompletableFuture().get();
        String key = AdminApi.createChannel(origin.port("http"), ADMIN_TOKEN, "bench");
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"));
        command.addAll(inputOptions);
        command.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-f", "lavfi", "-i", "sine",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-c:a", "aac",
                "-t", Integer.toString(seconds), "-f", "flv", "rtmp://127.0.0.1:" + origin.port("rtmp") + "/live/" + key));
        Process publisher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new BenchOrigin(origin, publisher);
    }

    int httpPort() {
        return origin.port("http");
    }

    @Override
    public void close() throws Exception {
        publisher.destroy();
        origin.stop().toCompletionStage().toCompletableFuture().get();
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
