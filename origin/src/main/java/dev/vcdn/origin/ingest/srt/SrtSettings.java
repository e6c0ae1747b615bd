package dev.vcdn.origin.ingest.srt;

import java.time.Duration;
import java.util.Objects;

/**
 * The SRT listener's settings ({@code srt.*} in origin.yaml).
 *
 * @param host                     bind address
 * @param port                     UDP port
 * @param latency                  the least receiver latency we agree to (the caller's own is used when larger)
 * @param idleTimeout              a connection that sends nothing for this long is closed
 * @param maxConnectionsPerAddress simultaneous connections from one IP address
 * @param maxConnections           simultaneous connections in all
 */
public record SrtSettings(String host, int port, Duration latency, Duration idleTimeout, int maxConnectionsPerAddress,
                          int maxConnections) {

    public SrtSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
