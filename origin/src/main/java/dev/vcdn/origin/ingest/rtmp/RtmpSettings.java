package dev.vcdn.origin.ingest.rtmp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The RTMP listener's settings ({@code rtmp.*} in origin.yaml).
 *
 * @param host                     bind address
 * @param port                     TCP port of plain RTMP
 * @param limits                   per-connection protocol limits
 * @param handshakeTimeout         a connection that has not finished the handshake (and connect) by then is closed
 * @param idleTimeout              no bytes (before publish) or no media (after) for this long closes the connection
 * @param maxConnectionsPerAddress simultaneous connections from one IP address
 * @param maxConnections           simultaneous connections in all
 * @param tls                      RTMPS: certificate and key, when configured
 */
public record RtmpSettings(String host, int port, RtmpLimits limits, Duration handshakeTimeout, Duration idleTimeout,
                           int maxConnectionsPerAddress, int maxConnections, Optional<Tls> tls) {

    public RtmpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tls, "tls");
    }

    /** RTMPS listener: PEM certificate chain and private key. */
    public record Tls(int port, Path certificate, Path key) {
    }
}
