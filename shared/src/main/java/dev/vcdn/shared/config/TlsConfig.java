package dev.vcdn.shared.config;

import dev.vcdn.shared.tls.TlsFileException;
import dev.vcdn.shared.tls.TlsMaterial;
import io.vertx.core.net.OpenSSLEngineOptions;
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
 * @param openSsl  whether BoringSSL (netty-tcnative) does the TLS rather than the JDK ({@code tls.engine}:
 *                 {@code jdk}, the default; {@code auto} takes BoringSSL when its native library loads
 *                 on this machine; {@code openssl} insists on it)
 */
public record TlsConfig(Path certificate, Path key, TlsMaterial material, boolean openSsl) {

    /**
     * The JDK's TLS, though BoringSSL costs less CPU (BENCHMARKS.md "edge-tls"): under load, an
     * HTTP/2 stream of the watch page (one of four small files asked for at once) got no answer in
     * 5 of 6 runs with BoringSSL and in none of 6 with the JDK's (HttpsPlayerIT with one core kept
     * busy). Until that is understood, BoringSSL is for those who ask for it.
     */
    static final String DEFAULT_ENGINE = "jdk";

    public TlsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(material, "material");
    }

    /** The files as configured, loaded; a missing, unreadable or mismatched file is a {@link ConfigException} naming it. */
    public static Optional<TlsConfig> read(ConfigSource source) {
        Optional<Path> certificate = source.optionalString("tls.certificate").map(Path::of);
        Optional<Path> key = source.optionalString("tls.key").map(Path::of);
        String engine = source.string("tls.engine", DEFAULT_ENGINE);
        if (certificate.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty()) {
            throw new ConfigException("tls.key", "missing: tls.certificate is set, and HTTPS needs both");
        }
        if (certificate.isEmpty()) {
            throw new ConfigException("tls.certificate", "missing: tls.key is set, and HTTPS needs both");
        }
        boolean openSsl = openSsl(engine);
        try {
            return Optional.of(new TlsConfig(certificate.get(), key.get(), TlsMaterial.load(certificate.get(), key.get()), openSsl));
        } catch (TlsFileException e) {
            throw new ConfigException(e.file().equals(key.get()) ? "tls.key" : "tls.certificate", e.getMessage());
        }
    }

    private static boolean openSsl(String engine) {
        boolean loads = OpenSSLEngineOptions.isAvailable() && OpenSSLEngineOptions.isAlpnAvailable();
        return switch (engine) {
            case "auto" -> loads;
            case "jdk" -> false;
            case "openssl" -> {
                if (!loads) {
                    throw new ConfigException("tls.engine", "openssl: BoringSSL (netty-tcnative) does not load on this machine");
                }
                yield true;
            }
            default -> throw new ConfigException("tls.engine", "'" + engine + "' is not auto, openssl or jdk");
        };
    }
}
