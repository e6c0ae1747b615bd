package dev.vcdn.origin;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the origin is told at start. Keys, defaults and units are documented in
 * {@code origin/config/origin.yaml}; a test keeps that file and these defaults equal.
 */
public record OriginConfig(HttpServerConfig http, Listener rtmp, Listener srt, Auth auth, Optional<String> adminToken,
                           Path dataDir, ClusterConfig cluster) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_RTMP_PORT = 1935;
    public static final int DEFAULT_SRT_PORT = 9000;
    public static final int DEFAULT_CLUSTER_PORT = 5701;
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    public OriginConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(srt, "srt");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** A TCP or UDP listener for an ingest protocol. */
    public record Listener(String host, int port) {
    }

    /**
     * The publish check.
     *
     * @param url     external auth server; empty means the built-in service on this origin
     * @param timeout how long a publish waits for the auth answer before it is refused
     */
    public record Auth(Optional<URI> url, Duration timeout) {
    }

    public static OriginConfig read(ConfigSource source) {
        Optional<String> adminToken = source.optionalString("admin.token");
        if (adminToken.isPresent() && adminToken.get().length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigException("admin.token", "must be at least " + MIN_ADMIN_TOKEN_LENGTH + " characters");
        }
        return new OriginConfig(
                HttpServerConfig.read(source, DEFAULT_HTTP_PORT),
                new Listener(source.string("rtmp.host", "0.0.0.0"), source.port("rtmp.port", DEFAULT_RTMP_PORT)),
                new Listener(source.string("srt.host", "0.0.0.0"), source.port("srt.port", DEFAULT_SRT_PORT)),
                new Auth(source.httpUrl("auth.url"),
                        source.duration("auth.timeout", Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(30))),
                adminToken,
                source.path("data-dir", Path.of("data")),
                ClusterConfig.read(source, "vcdn-origin", DEFAULT_CLUSTER_PORT));
    }

    public OriginConfig withAdminToken(String token) {
        return new OriginConfig(http, rtmp, srt, auth, Optional.of(token), dataDir, cluster);
    }
}
