package dev.vcdn.origin.ingest.srt;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The SRT listener's settings ({@code srt.*} in origin.yaml).
 *
 * @param host                     bind address
 * @param port                     UDP port
 * @param latency                  the least receiver latency we agree to (the caller's own is used when larger)
 * @param idleTimeout              a connection that sends nothing for this long is closed
 * @param maxConnectionsPerAddress simultaneous connections from one IP address
 * @param maxConnections           simultaneous connections in all
 * @param passphrase               when set, callers must encrypt with it (AES-CTR, any key length);
 *                                 when empty, encrypting callers are refused
 */
public record SrtSettings(String host, int port, Duration latency, Duration idleTimeout, int maxConnectionsPerAddress,
                          int maxConnections, Optional<String> passphrase) {

    public SrtSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.isPresent() && !SrtCrypto.isUsablePassphrase(passphrase.get())) {
            throw new IllegalArgumentException("srt.passphrase must be " + SrtCrypto.MIN_PASSPHRASE + " to "
                    + SrtCrypto.MAX_PASSPHRASE + " bytes, as libsrt takes it");
        }
    }
}
