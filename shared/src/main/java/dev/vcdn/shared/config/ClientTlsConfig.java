package dev.vcdn.shared.config;

import dev.vcdn.shared.tls.TlsFileException;
import dev.vcdn.shared.tls.TlsMaterial;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom a process trusts when it connects over HTTPS (an edge to its origins, origins to each other
 * and to the auth server, geo-config to the edges it probes): the JDK's certificate authorities,
 * plus those of a PEM file for a private CA ({@code tls.ca}, {@code VCDN_TLS_CA}). Server
 * certificates are always verified, host names included.
 *
 * @param caFile      the private CA file, if any
 * @param authorities its certificates
 * @param trust       the JDK's authorities and these, built once at start (the JDK's are read from
 *                    its cacerts file: never on an event loop); empty without a CA file
 */
public record ClientTlsConfig(Optional<Path> caFile, List<X509Certificate> authorities, Optional<TrustOptions> trust) {

    public static final ClientTlsConfig JDK_DEFAULTS = new ClientTlsConfig(Optional.empty(), List.of(), Optional.empty());

    public ClientTlsConfig {
        authorities = List.copyOf(authorities);
    }

    public static ClientTlsConfig read(ConfigSource source) {
        Optional<Path> caFile = source.optionalString("tls.ca").map(Path::of);
        if (caFile.isEmpty()) {
            return JDK_DEFAULTS;
        }
        try {
            List<X509Certificate> authorities = TlsMaterial.readCertificates(caFile.get());
            return new ClientTlsConfig(caFile, authorities, Optional.of(TrustOptions.wrap(trustManagers(authorities))));
        } catch (TlsFileException e) {
            throw new ConfigException("tls.ca", e.getMessage());
        }
    }

    /** These authorities and {@code more} (blocking: it reads the JDK's; never on an event loop). */
    public ClientTlsConfig including(List<X509Certificate> more) {
        List<X509Certificate> all = new ArrayList<>(authorities);
        all.addAll(more);
        return new ClientTlsConfig(caFile, all, Optional.of(TrustOptions.wrap(trustManagers(all))));
    }

    /** {@code options} trusting these authorities beside the JDK's (unchanged without a CA file). */
    public <T extends ClientOptionsBase> T apply(T options) {
        trust.ifPresent(options::setTrustOptions);
        return options;
    }

    private static TrustManagerFactory trustManagers(List<X509Certificate> authorities) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            List<X509Certificate> all = new ArrayList<>(jdkAuthorities());
            all.addAll(authorities);
            for (int i = 0; i < all.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, all.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the trusted certificate authorities", e);
        }
    }

    private static List<X509Certificate> jdkAuthorities() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> authorities = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                authorities.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return authorities;
    }
}
