package dev.vcdn.shared.process;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigSource;
import java.util.Optional;

/** What makes a process (origin, edge, geo) different from the others; the launcher does the rest. */
public interface ProcessDefinition<C> {

    /** Short lower-case name used in logs, metrics and the jar name. */
    String name();

    /** Reads every key of this process's config; throws {@code ConfigException} on a bad value. */
    C readConfig(ConfigSource source);

    /** The Hazelcast cluster to join, if this process is clustered. */
    Optional<ClusterConfig> cluster(C config);

    /**
     * Work that must happen once before Vert.x starts and may block: files in the data folder,
     * generated secrets. Runs on the main thread.
     */
    default C prepare(C config) {
        return config;
    }

    /** Event loop threads this process runs; 0: Vert.x's default (two per CPU core). */
    default int eventLoopThreads(C config) {
        return 0;
    }

    /**
     * Whether Vert.x counts every HTTP request it serves ({@code vertx_http_server_*}, by route and
     * code). Each request then costs meter lookups with freshly built tags; a process that serves
     * thousands of requests a second counts its own instead.
     */
    default boolean httpServerMetrics() {
        return true;
    }

    ProcessVerticle createRootVerticle(C config, ProcessContext context);
}
