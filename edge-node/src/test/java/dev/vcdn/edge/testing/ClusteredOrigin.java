package dev.vcdn.edge.testing;

import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One packaged origin of a cluster of origins that share an auth server: loopback, ephemeral
 * ports, a data folder of its own. {@link #close} kills it (SIGKILL), as a machine that dies.
 */
public final class ClusteredOrigin implements AutoCloseable {

    private static final Path JAR = Path.of("../origin/target/origin.jar");

    private final LaunchedJar origin;
    private final Map<String, Integer> ports;

    private ClusteredOrigin(LaunchedJar origin, Map<String, Integer> ports) {
        this.origin = origin;
        this.ports = ports;
    }

    /**
     * @param clusterPort its Hazelcast port
     * @param peerPort    another member's Hazelcast port
     * @param grace       how long a broadcast waits for its publisher to come back
     */
    public static ClusteredOrigin start(Path dataDir, String cluster, int clusterPort, int peerPort, String authUrl,
                                        Duration grace) throws Exception {
        return start(dataDir, cluster, clusterPort, peerPort, authUrl, grace, Map.of());
    }

    /** The same, configured further by {@code environment} (VCDN_ variables). */
    public static ClusteredOrigin start(Path dataDir, String cluster, int clusterPort, int peerPort, String authUrl,
                                        Duration grace, Map<String, String> environment) throws Exception {
        Map<String, String> env = OriginEnvironment.loopback(dataDir, "failover-admin-token-0123456789", cluster);
        env.put("VCDN_CLUSTER_PORT", Integer.toString(clusterPort));
        env.put("VCDN_CLUSTER_MEMBERS", "127.0.0.1:" + peerPort);
        env.put("VCDN_AUTH_URL", authUrl);
        env.put("VCDN_HLS_RECONNECT_GRACE", grace.toMillis() + "ms");
        env.putAll(environment);
        LaunchedJar origin = LaunchedJar.start(JAR, env);
        try {
            return new ClusteredOrigin(origin, origin.awaitStarted(JarLifecycle.START_TIMEOUT));
        } catch (Exception | AssertionError e) {
            origin.close();
            throw e;
        }
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + ports.get("http");
    }

    public String rtmpUrl(String streamKey) {
        return "rtmp://127.0.0.1:" + ports.get("rtmp") + "/live/" + streamKey;
    }

    /** Killed, as a machine that dies: no close of its connections beyond what the kernel does, no goodbye to the cluster. */
    @Override
    public void close() {
        origin.close();
    }
}
