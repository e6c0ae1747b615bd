package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The packaged origin with one channel live: Debian's ffmpeg publishes a test pattern with a tone
 * over RTMP (x264 veryfast, 2 s keyframes, AAC), as a streamer would.
 */
public final class LiveOrigin implements AutoCloseable {

    public static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    private static final Path JAR = Path.of("../origin/target/origin.jar");
    private static final String ADMIN_TOKEN = "edge-tests-admin-token-0123456789";

    private final LaunchedJar origin;
    private final int httpPort;
    private final String publishUrl;
    private final String size;
    private Process publisher;

    private LiveOrigin(LaunchedJar origin, int httpPort, String publishUrl, String size) {
        this.origin = origin;
        this.httpPort = httpPort;
        this.publishUrl = publishUrl;
        this.size = size;
    }

    /**
     * Starts the origin and publishes {@code channel} at {@code size} (e.g. 640x360) for {@code seconds}.
     * A stream whose publisher stopped ends (EXT-X-ENDLIST) 2 s later, not after the default 30 s grace.
     */
    public static LiveOrigin start(Path dataDir, String channel, String size, int seconds) throws Exception {
        return start(dataDir, channel, size, seconds, Duration.ofSeconds(2));
    }

    /** The same with a reconnect grace of {@code grace}: how long a broadcast waits for its publisher to come back. */
    public static LiveOrigin start(Path dataDir, String channel, String size, int seconds, Duration grace) throws Exception {
        return start(dataDir, channel, size, seconds, grace, Map.of());
    }

    /** The same, the origin configured further by {@code environment} (VCDN_ variables). */
    public static LiveOrigin start(Path dataDir, String channel, String size, int seconds, Duration grace,
                                   Map<String, String> environment) throws Exception {
        return start(dataDir, new JsonObject().put("name", channel), size, seconds, grace, environment);
    }

    /** The same, the channel created with every field of {@code channel} ({@code {"name":"c","recording":true}}). */
    public static LiveOrigin start(Path dataDir, JsonObject channel, String size, int seconds, Duration grace,
                                   Map<String, String> environment) throws Exception {
        Map<String, String> env = OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-origin-" + UUID.randomUUID());
        env.put("VCDN_HLS_RECONNECT_GRACE", grace.toMillis() + "ms");
        env.putAll(environment);
        LaunchedJar origin = LaunchedJar.start(JAR, env);
        try {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            String key = AdminApi.createChannel(ports.get("http"), ADMIN_TOKEN, channel);
            LiveOrigin live = new LiveOrigin(origin, ports.get("http"), "rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + key, size);
            live.publish(seconds);
            return live;
        } catch (Exception | AssertionError e) {
            origin.close();
            throw e;
        }
    }

    /** Starts the origin with no channel: the test creates its channels ({@link #createChannel}) and publishes them itself. */
    public static LiveOrigin startEmpty(Path dataDir) throws Exception {
        Map<String, String> env = OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-origin-" + UUID.randomUUID());
        LaunchedJar origin = LaunchedJar.start(JAR, env);
        try {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            return new LiveOrigin(origin, ports.get("http"), "rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/", null);
        } catch (Exception | AssertionError e) {
            origin.close();
            throw e;
        }
    }

    /** Creates {@code channel} on an origin started empty; returns the RTMP URL its encoder publishes to. */
    public String createChannel(String channel) throws Exception {
        return publishUrl + AdminApi.createChannel(httpPort, ADMIN_TOKEN, channel);
    }

    /** Debian's ffmpeg must be there in CI (.ci/run installs it); elsewhere a test that needs it is skipped without it. */
    public static void requireFfmpeg() {
        if (System.getenv("CI") != null) {
            assertThat(FFMPEG).as("installed by .ci/run").isExecutable();
        } else {
            assumeThat(FFMPEG).as("install Debian's ffmpeg to run this test").isExecutable();
        }
    }

    public int httpPort() {
        return httpPort;
    }

    /** Calls the origin's admin API: {@code method path} with a JSON body (or none). */
    public HttpResponse<String> admin(String method, String path, JsonObject body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Publishes the channel (again, with the same key, as an encoder that reconnects) for {@code seconds}. */
    public void publish(int seconds) throws IOException {
        publisher = publisher(publishUrl, size, seconds);
    }

    /**
     * Debian's ffmpeg publishing a test pattern of {@code size} with a tone to {@code rtmpUrl} for
     * {@code seconds}, as a streamer's encoder: x264 veryfast, 2 s keyframes, AAC.
     */
    public static Process publisher(String rtmpUrl, String size, int seconds) throws IOException {
        return new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-f", "lavfi", "-i", "sine",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-c:a", "aac",
                "-t", Integer.toString(seconds), "-f", "flv", rtmpUrl)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The channel's RTMP URL for its backup encoder: the same key, {@code ?backup} after it. */
    public String backupUrl() {
        return publishUrl + "?backup";
    }

    /** The primary publisher now (started by {@link #publish}). */
    public Process publisher() {
        return publisher;
    }

    /** Ends the publish as a streamer does: ffmpeg closes its RTMP session. */
    public void stopPublishing() {
        publisher.toHandle().destroy();
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
        origin.close();
    }
}
