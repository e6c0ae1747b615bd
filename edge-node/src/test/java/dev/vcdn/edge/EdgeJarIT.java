package dev.vcdn.edge;

import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.JarLifecycle;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The packaged jar, run as a user runs it. */
class EdgeJarIT {

    private static final Path JAR = Path.of("target/edge-node.jar");

    @Test
    void startsServesAndStopsOnSigterm() throws Exception {
        JarLifecycle.startServeAndStop(JAR, "edge", Map.of(
                "VCDN_REGION", "eu",
                "VCDN_CLUSTER_NAME", "it-" + UUID.randomUUID(),
                "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
    }

    @Test
    void refusesABadOriginUrlWithOneLine() throws Exception {
        JarLifecycle.refusesBadValue(JAR, "edge", "VCDN_ORIGIN_URL", "origin:8080", "origin.url");
    }
}
