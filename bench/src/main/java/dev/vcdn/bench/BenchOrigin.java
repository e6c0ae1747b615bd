package dev.vcdn.bench;

import dev.vcdn.origin.OriginConfig;
import dev.vcdn.origin.OriginProcess;
import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An origin started in the benchmark's JVM with channel {@code bench} live: the ffmpeg program of
 * the same build publishes a test pattern and a tone over RTMP (x264 veryfast, zerolatency, 2 s
 * GOP, AAC) in real time. Benchmark programs run on their main thread, so waiting here is fine.
 */
final class BenchOrigin implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    /** Every listener on loopback and an ephemeral port, and a fresh data directory (mutable, for more settings). */
    static Map<String, String> loopbackEnvironment(String dataPrefix) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String listener : List.of("HTTP", "RTMP", "SRT", "WHIP")) {
            env.put("VCDN_" + listener + "_HOST", "127.0.0.1");
            env.put("VCDN_" + listener + "_PORT", "0");
        }
        env.put("VCDN_DATA_DIR", Files.createTempDirectory(dataPrefix).toString());
        return env;
    }

    static BenchOrigin start(String ffmpeg, String size, int seconds, List<String> inputOptions) throws Exception {
        OriginProcess definition = new OriginProcess();
        Map<String, String> env = loopbackEnvironment("bench-origin");
        env.put("VCDN_CLUSTER_NAME", "bench-" + System.nanoTime());
        env.put("VCDN_CLUSTER_PORT", Integer.toString(freePort()));
        OriginConfig config = ProcessLauncher.readConfig(definition, Optional.empty(), env);
        RunningProcess origin = ProcessLauncher.start(definition, config).toCompletionStage().toCompletableFuture().get();
        String key = createChannel(origin.port("http"), config.adminToken().orElseThrow(), "bench");
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"));
        command.addAll(inputOptions);
        command.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-f", "lavfi", "-i", "sine",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-c:a", "aac",
                "-t", Integer.toString(seconds), "-f", "flv", "rtmp://127.0.0.1:" + origin.port("rtmp") + "/live/" + key));
        Process publisher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new BenchOrigin(origin, publisher);
    }

    /** Creates a channel through an origin's admin API; its stream key. */
    static String createChannel(int httpPort, String adminToken, String name) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/channels"))
                .header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", name).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(created.body()).getString("streamKey");
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
