package dev.vcdn.origin;

import dev.vcdn.origin.ingest.rtmp.RtmpLimits;
import dev.vcdn.origin.recording.RecordingSettings;
import dev.vcdn.origin.packager.PackagingSettings;
import dev.vcdn.origin.ingest.rtmp.RtmpSettings;
import dev.vcdn.origin.ingest.srt.SrtCrypto;
import dev.vcdn.origin.ingest.srt.SrtSettings;
import dev.vcdn.origin.ingest.webrtc.WhipSettings;
import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the origin is told at start. Keys, defaults and units are documented in
 * {@code origin/config/origin.yaml}; a test keeps that file and these defaults equal.
 */
public record OriginConfig(HttpServerConfig http, RtmpSettings rtmp, SrtSettings srt, WhipSettings whip, Auth auth,
                           Optional<String> adminToken,
                           Path dataDir, ClusterConfig cluster, Hls hls, ClientTlsConfig clientTls, EdgeCredential edges,
                           RecordingSettings recording) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_RTMP_PORT = 1935;
    public static final int DEFAULT_RTMPS_PORT = 1936;
    public static final int DEFAULT_SRT_PORT = 9000;
    public static final int DEFAULT_WHIP_UDP_PORT = 8189;
    public static final int DEFAULT_CLUSTER_PORT = 5701;
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    public OriginConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(srt, "srt");
        Objects.requireNonNull(whip, "whip");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(hls, "hls");
        Objects.requireNonNull(clientTls, "clientTls");
        Objects.requireNonNull(edges, "edges");
        Objects.requireNonNull(recording, "recording");
    }

    /**
     * LL-HLS timing.
     *
     * @param standard   what channels get
     * @param lowLatency what channels with the low-latency feature get (shorter parts)
     */
    /**
     * LL-HLS timing.
     *
     * @param reconnectGrace how long a broadcast waits for its publisher to come back before it
     *                       ends (EXT-X-ENDLIST); zero ends it as soon as the publisher leaves
     */
    public record Hls(PackagingSettings standard, PackagingSettings lowLatency, Duration reconnectGrace) {
    }

    /**
     * The publish check.
     *
     * @param url     external auth server; empty means the built-in service on this origin
     * @param timeout how long a publish waits for the auth answer before it is refused
     * @param token   bearer token sent to the auth server; empty means the admin token
     * @param accessUrl where the playback access rules are followed from; empty means the built-in
     *                  service's when {@code url} is empty, else none (every channel public)
     */
    public record Auth(Optional<URI> url, Duration timeout, Optional<String> token, Optional<URI> accessUrl) {
    }

    public static OriginConfig read(ConfigSource source) {
        Optional<String> adminToken = source.optionalString("admin.token");
        if (adminToken.isPresent() && adminToken.get().length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigException("admin.token", "must be at least " + MIN_ADMIN_TOKEN_LENGTH + " characters");
        }
        Hls hls = readHls(source);
        Path dataDir = source.path("data-dir", Path.of("data"));
        return new OriginConfig(
                HttpServerConfig.read(source, DEFAULT_HTTP_PORT),
                readRtmp(source),
                new SrtSettings(
                        source.string("srt.host", "0.0.0.0"),
                        source.port("srt.port", DEFAULT_SRT_PORT),
                        source.duration("srt.latency", Duration.ofMillis(120), Duration.ofMillis(20), Duration.ofSeconds(8)),
                        source.duration("srt.idle-timeout", Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMinutes(10)),
                        source.integer("srt.max-connections-per-address", 8, 1, 10_000),
                        source.integer("srt.max-connections", 1000, 1, 100_000),
                        srtPassphrase(source)),
                new WhipSettings(
                        source.string("whip.host", "0.0.0.0"),
                        source.port("whip.port", DEFAULT_WHIP_UDP_PORT),
                        source.list("whip.candidates", List.of()),
                        source.duration("whip.jitter-delay", Duration.ofMillis(150), Duration.ofMillis(20), Duration.ofSeconds(2)),
                        source.duration("whip.connect-timeout", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1)),
                        source.duration("whip.idle-timeout", Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(10)),
                        source.integer("whip.max-sessions", 1000, 1, 100_000),
                        hls.standard().segmentTarget()),
                new Auth(source.httpUrl("auth.url"),
                        source.duration("auth.timeout", Duration.ofMillis(1500), Duration.ofMillis(100), Duration.ofSeconds(30)),
                        source.optionalString("auth.token"),
                        source.httpUrl("auth.access-url")),
                adminToken,
                dataDir,
                ClusterConfig.read(source, "vcdn-origin", DEFAULT_CLUSTER_PORT),
                hls,
                ClientTlsConfig.read(source),
                EdgeCredential.read(source),
                RecordingSettings.read(source, dataDir));
    }

    private static Optional<String> srtPassphrase(ConfigSource source) {
        Optional<String> passphrase = source.optionalString("srt.passphrase");
        if (passphrase.isPresent() && !SrtCrypto.isUsablePassphrase(passphrase.get())) {
            throw new ConfigException("srt.passphrase", "must be " + SrtCrypto.MIN_PASSPHRASE + " to "
                    + SrtCrypto.MAX_PASSPHRASE + " bytes, as libsrt takes it");
        }
        return passphrase;
    }

    private static Hls readHls(ConfigSource source) {
        Duration segment = source.duration("hls.segment", Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(6));
        Duration part = source.duration("hls.part-target", Duration.ofMillis(334), Duration.ofMillis(100), Duration.ofSeconds(2));
        Duration lowLatencyPart = source.duration("hls.low-latency-part-target", Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofSeconds(2));
        Duration window = source.duration("hls.window", Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(10));
        Duration grace = source.duration("hls.reconnect-grace", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10));
        try {
            PackagingSettings standard = new PackagingSettings(segment, part, window);
            return new Hls(standard, standard.withPartTarget(lowLatencyPart), grace);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("hls", e.getMessage());
        }
    }

    private static RtmpSettings readRtmp(ConfigSource source) {
        RtmpLimits limits = new RtmpLimits(
                (int) source.bytes("rtmp.max-chunk-size", RtmpLimits.DEFAULT.maxChunkSize(), 128, 0xFFFFFF),
                (int) source.bytes("rtmp.max-message-size", RtmpLimits.DEFAULT.maxMediaMessageBytes(), 64 * 1024, 0xFFFFFF),
                RtmpLimits.DEFAULT.maxCommandMessageBytes(),
                RtmpLimits.DEFAULT.maxChunkStreams());
        Optional<String> certificate = source.optionalString("rtmps.certificate");
        Optional<String> key = source.optionalString("rtmps.key");
        int tlsPort = source.port("rtmps.port", DEFAULT_RTMPS_PORT);
        if (certificate.isPresent() != key.isPresent()) {
            throw new ConfigException(certificate.isPresent() ? "rtmps.key" : "rtmps.certificate",
                    "RTMPS needs both rtmps.certificate and rtmps.key");
        }
        return new RtmpSettings(
                source.string("rtmp.host", "0.0.0.0"),
                source.port("rtmp.port", DEFAULT_RTMP_PORT),
                limits,
                source.duration("rtmp.handshake-timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                source.duration("rtmp.idle-timeout", Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofMinutes(10)),
                source.integer("rtmp.max-connections-per-address", 8, 1, 10_000),
                source.integer("rtmp.max-connections", 1000, 1, 100_000),
                certificate.map(c -> new RtmpSettings.Tls(tlsPort, Path.of(c), Path.of(key.get()))));
    }

    public OriginConfig withAdminToken(String token) {
        return new OriginConfig(http, rtmp, srt, whip, auth, Optional.of(token), dataDir, cluster, hls, clientTls, edges,
                recording);
    }
}
