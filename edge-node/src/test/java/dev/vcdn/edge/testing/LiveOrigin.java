package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.AdminApi;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import java.nio.file.Path;
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
    private final Process publisher;

    private LiveOrigin(LaunchedJar origin, int httpPort, Process publisher) {
        this.origin = origin;
        this.httpPort = httpPort;
        this.publisher = publisher;
    }

    /** Starts the origin and publishes {@code channel} at {@code size} (e.g. 640x360) for {@code seconds}. */
    public static LiveOrigin start(Path dataDir, String channel, String size, int seconds) throws Exception {
        LaunchedJar origin = LaunchedJar.start(JAR,
                OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-origin-" + UUID.randomUUID()));
        try {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            String key = AdminApi.createChannel(ports.get("http"), ADMIN_TOKEN, channel);
            Process publisher = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                    "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-f", "lavfi", "-i", "sine",
                    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-c:a", "aac",
                    "-t", Integer.toString(seconds), "-f", "flv", "rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + key)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new LiveOrigin(origin, ports.get("http"), publisher);
        } catch (Exception | AssertionError e) {
            origin.close();
            throw e;
        }
    }

    public int httpPort() {
        return httpPort;
    }

    /** Ends the publish as a streamer does: ffmpeg closes its RTMP session. */
    public void stopPublishing() {
        publisher.toHandle().destroy();
    }

    @Override
    public void close() {
        publisher.destroyForcibly();
        origin.close();
    }
}
