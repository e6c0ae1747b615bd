package dev.vcdn.shared.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of an origin a test starts: every listener (HTTP, RTMP, SRT, WHIP) on loopback
 * and an ephemeral port, so that it never clashes with another origin or a running system, its own
 * data directory, admin token and cluster. Mutable: a test adds what it needs.
 */
public final class OriginEnvironment {

    private static final List<String> LISTENERS = List.of("HTTP", "RTMP", "SRT", "WHIP");

    private OriginEnvironment() {
    }

    public static Map<String, String> loopback(Path dataDir, String adminToken, String clusterName) {
        Map<String, String> env = new HashMap<>();
        for (String listener : LISTENERS) {
            env.put("VCDN_" + listener + "_HOST", "127.0.0.1");
            env.put("VCDN_" + listener + "_PORT", "0");
        }
        env.put("VCDN_DATA_DIR", dataDir.toString());
        env.put("VCDN_ADMIN_TOKEN", adminToken);
        env.put("VCDN_CLUSTER_NAME", clusterName);
        env.put("VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next()));
        return env;
    }
}
