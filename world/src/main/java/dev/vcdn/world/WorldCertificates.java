package dev.vcdn.world;

import dev.vcdn.shared.tls.LocalCertificateAuthority;
import dev.vcdn.shared.tls.TlsFileException;
import dev.vcdn.shared.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The world's HTTPS: a private certificate authority and one certificate per process, made under
 * {@code DATA/tls} on the first run and reused after (a certificate is issued again when it nears its
 * end or names other hosts). Every process is told its files and to trust the authority; a browser is
 * told how to trust it.
 */
final class WorldCertificates {

    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path dir;
    private final LocalCertificateAuthority authority;

    private WorldCertificates(Path dir, LocalCertificateAuthority authority) {
        this.dir = dir;
        this.authority = authority;
    }

    /** The authority of {@code dir}, made there when it has none. */
    static WorldCertificates ensure(Path dir) throws IOException {
        Path certificate = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        if (Files.isRegularFile(certificate) && Files.isRegularFile(key)) {
            try {
                return new WorldCertificates(dir, LocalCertificateAuthority.load(certificate, key));
            } catch (TlsFileException e) {
                throw new IOException("the world's certificate authority cannot be read (delete " + dir + " to make a new one): "
                        + e.getMessage(), e);
            }
        }
        LocalCertificateAuthority authority = LocalCertificateAuthority.create("vcdn world CA", true);
        authority.write(certificate, key);
        return new WorldCertificates(dir, authority);
    }

    Path authorityFile() {
        return dir.resolve("ca.crt");
    }

    /** The environment that makes process {@code name} serve HTTPS for {@code hosts} and trust the world's authority. */
    Map<String, String> environment(String name, List<String> hosts) throws IOException {
        Path certificate = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        if (!current(certificate, key, hosts)) {
            LocalCertificateAuthority.write(authority.issue(hosts, VALIDITY), certificate, key);
        }
        return Map.of("VCDN_TLS_CERTIFICATE", certificate.toString(), "VCDN_TLS_KEY", key.toString(),
                "VCDN_TLS_CA", authorityFile().toString());
    }

    private boolean current(Path certificate, Path key, List<String> hosts) {
        try {
            TlsMaterial material = TlsMaterial.load(certificate, key);
            List<String> named = material.leaf().getSubjectAlternativeNames().stream().map(name -> name.get(1).toString()).toList();
            return named.equals(hosts) && material.chain().contains(authority.certificate())
                    && material.notAfter().isAfter(Instant.now().plus(RENEW_BEFORE));
        } catch (TlsFileException | java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /** What the world's own HTTP client trusts: the authority alone. */
    SSLContext sslContext() {
        return authority.trustingContext();
    }

    /** Chromium's {@code --ignore-certificate-errors-spki-list} value for the authority. */
    String chromiumSpki() {
        return authority.chromiumSpki();
    }
}
