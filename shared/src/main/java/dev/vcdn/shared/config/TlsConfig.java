package dev.vcdn.shared.config;

import dev.vcdn.shared.tls.TlsFileException;
import dev.vcdn.shared.tls.TlsMaterial;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS on a process's HTTP port: a PEM certificate file (a chain in it is sent whole) and its PEM
 * key file ({@code tls.certificate} / {@code VCDN_TLS_CERTIFICATE}, {@code tls.key} /
 * {@code VCDN_TLS_KEY}; both or neither). Read and checked at start; the files are read again
 * when they change (certificate renewal), see {@link dev.vcdn.shared.tls.CertificateReloader}.
 *
 * @param material what the files held at start
 */
public record TlsConfig(Path certificate, Path key, TlsMaterial material) {

    public TlsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(material, "material");
    }

    /** The files as configured, loaded; a missing, unreadable or mismatched file is a {@link ConfigException} naming it. */
    public static Optional<TlsConfig> read(ConfigSource source) {
        Optional<Path> certificate = source.optionalString("tls.certificate").map(Path::of);
        Optional<Path> key = source.optionalString("tls.key").map(Path::of);
        if (certificate.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty()) {
            throw new ConfigException("tls.key", "missing: tls.certificate is set, and HTTPS needs both");
        }
        if (certificate.isEmpty()) {
            throw new ConfigException("tls.certificate", "missing: tls.key is set, and HTTPS needs both");
        }
        try {
            return Optional.of(new TlsConfig(certificate.get(), key.get(), TlsMaterial.load(certificate.get(), key.get())));
        } catch (TlsFileException e) {
            throw new ConfigException(e.file().equals(key.get()) ? "tls.key" : "tls.certificate", e.getMessage());
        }
    }
}
