package dev.vcdn.origin;

import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.JarLifecycle;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it. */
class OriginJarIT {

    private static final Path JAR = Path.of("target/origin.jar");

    @Test
    void startsServesAndStopsOnSigterm(@TempDir Path dataDir) throws Exception {
        JarLifecycle.startServeAndStop(JAR, "origin", Map.of(
                "VCDN_RTMP_HOST", "127.0.0.1", "VCDN_RTMP_PORT", "0", "VCDN_SRT_HOST", "127.0.0.1", "VCDN_SRT_PORT", "0", "VCDN_WHIP_HOST", "127.0.0.1", "VCDN_WHIP_PORT", "0",
                "VCDN_DATA_DIR", dataDir.toString(),
                "VCDN_CLUSTER_NAME", "it-" + UUID.randomUUID(),
                "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
    }

    @Test
    void refusesABadPortWithOneLine() throws Exception {
        JarLifecycle.refusesBadValue(JAR, "origin", "VCDN_HTTP_PORT", "http", "http.port");
    }
}
