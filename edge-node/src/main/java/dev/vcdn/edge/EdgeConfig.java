package dev.vcdn.edge;

import dev.vcdn.edge.serve.ViewerCount;
import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything an edge node is told at start. Keys, defaults and units are documented in
 * {@code edge-node/config/edge.yaml}; a test keeps that file and these defaults equal.
 *
 * @param http      viewer-facing HTTP server
 * @param origins   the origins, in order of preference (or a load balancer in front of them): the
 *                  first is used until it cannot be reached, then the next
 * @param region    the region this edge serves, as geo-config names it
 * @param cluster   the region's Hazelcast cluster; its default name is {@code vcdn-edge-<region>}
 * @param publicUrl where viewers and the region's other edges reach this node; empty: the HTTP
 *                  server's address (the cluster host when it binds every interface)
 * @param cache     the memory cache of playback objects
 * @param httpEventLoops event loops serving viewers ({@code http.event-loops}); 0: one per CPU core
 * @param viewers   how many viewers this node takes, and how long it waits for a slow one
 * @param clientTls whom it trusts when its origins are {@code https://} ({@code tls.ca})
 * @param edges     the edge token ({@code edge-token}), presented to the origins and asked of the region's peers
 */
public record EdgeConfig(HttpServerConfig http, List<URI> origins, String region, ClusterConfig cluster, Optional<URI> publicUrl,
                         Cache cache, int httpEventLoops, Viewers viewers, ClientTlsConfig clientTls, EdgeCredential edges) {

    /**
     * @param max           viewers admitted at most ({@code viewers.max}); past it a new viewer's
     *                      playlist request is answered 503 with Retry-After, so that geo-config
     *                      and the player send it elsewhere, while the viewers already watching
     *                      keep their service. 0: no limit
     * @param writeDeadline a viewer whose answers have stayed backed up in the edge for this long is
     *                      cut off ({@code viewers.write-deadline}): one that slow cannot play live,
     *                      and it holds the edge's memory and a connection no longer than this
     */
    public record Viewers(int max, Duration writeDeadline) {

        public static final int NO_LIMIT = 0;
        public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(10);

        public Viewers {
            Objects.requireNonNull(writeDeadline, "writeDeadline");
            if (max < 0 || max > ViewerCount.MAX_TRACKED) {
                throw new IllegalArgumentException("viewers.max outside 0.." + ViewerCount.MAX_TRACKED);
            }
        }

        public boolean limited() {
            return max != NO_LIMIT;
        }

        static Viewers read(ConfigSource source) {
            return new Viewers(source.integer("viewers.max", NO_LIMIT, 0, ViewerCount.MAX_TRACKED),
                    source.duration("viewers.write-deadline", DEFAULT_WRITE_DEADLINE, Duration.ofSeconds(1), Duration.ofMinutes(10)));
        }
    }

    /**
     * @param maxBytes  bytes of objects held at most ({@code cache.max-bytes})
     * @param objectTtl how long parts, segments and init segments are kept: longer than the
     *                  origin's playlist window, so they stay while players may ask
     *                  ({@code cache.object-ttl})
     * @param recordingBytes the part of {@code maxBytes} kept for recordings' objects, so that viewers
     *                  of past broadcasts never push live parts out ({@code cache.recording-bytes})
     */
    public record Cache(long maxBytes, Duration objectTtl, long recordingBytes) {

        public static final long DEFAULT_MAX_BYTES = 512L << 20;
        public static final Duration DEFAULT_OBJECT_TTL = Duration.ofSeconds(60);

        public Cache {
            Objects.requireNonNull(objectTtl, "objectTtl");
            if (recordingBytes <= 0 || recordingBytes >= maxBytes) {
                throw new IllegalArgumentException("cache.recording-bytes must be above 0 and below cache.max-bytes");
            }
        }

        static Cache read(ConfigSource source) {
            long maxBytes = source.bytes("cache.max-bytes", DEFAULT_MAX_BYTES, 1L << 20, 1L << 40);
            long recordingBytes = source.bytes("cache.recording-bytes", maxBytes / 8, 1L << 18, maxBytes - (1L << 18));
            return new Cache(maxBytes,
                    source.duration("cache.object-ttl", DEFAULT_OBJECT_TTL, Duration.ofSeconds(1), Duration.ofHours(1)),
                    recordingBytes);
        }

        /** What live objects (and everything but recordings) have of the memory. */
        public long liveBytes() {
            return maxBytes - recordingBytes;
        }
    }

    public static final int DEFAULT_HTTP_PORT = 8081;
    public static final int DEFAULT_CLUSTER_PORT = 5801;
    public static final URI DEFAULT_ORIGIN_URL = URI.create("http://127.0.0.1:8080");
    public static final Pattern REGION = Pattern.compile("[a-z][a-z0-9-]{0,15}");

    public EdgeConfig {
        Objects.requireNonNull(http, "http");
        origins = List.copyOf(origins);
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("no origin");
        }
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(viewers, "viewers");
        Objects.requireNonNull(clientTls, "clientTls");
        Objects.requireNonNull(edges, "edges");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region '" + region + "' does not match " + REGION);
        }
    }

    /** The viewer-facing event loops to run on this machine. */
    public int eventLoops() {
        return httpEventLoops > 0 ? httpEventLoops : Runtime.getRuntime().availableProcessors();
    }

    public static EdgeConfig read(ConfigSource source) {
        String region = source.string("region", "local");
        if (!REGION.matcher(region).matches()) {
            throw new ConfigException("region", "'" + region + "' must match " + REGION.pattern());
        }
        return new EdgeConfig(
                HttpServerConfig.read(source, DEFAULT_HTTP_PORT),
                source.httpUrls("origin.url", List.of(DEFAULT_ORIGIN_URL)),
                region,
                ClusterConfig.read(source, "vcdn-edge-" + region, DEFAULT_CLUSTER_PORT),
                source.httpUrl("public-url"),
                Cache.read(source),
                source.integer("http.event-loops", 0, 0, 256),
                Viewers.read(source),
                ClientTlsConfig.read(source),
                EdgeCredential.read(source));
    }
}
