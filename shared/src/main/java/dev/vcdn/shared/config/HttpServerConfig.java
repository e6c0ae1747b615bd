package dev.vcdn.shared.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a process serves HTTP, and whether over TLS.
 *
 * @param host bind address ({@code http.host}, {@code VCDN_HTTP_HOST}, default {@code 0.0.0.0})
 * @param port TCP port ({@code http.port}, {@code VCDN_HTTP_PORT}); 0 picks a free one
 * @param tls  HTTPS with these files ({@code tls.certificate}, {@code tls.key}); plain HTTP without
 * @param redirectPort a plain-HTTP port beside HTTPS that redirects to it, health checks excepted
 *                     ({@code http.redirect-port}); empty: none
 */
public record HttpServerConfig(String host, int port, Optional<TlsConfig> tls, OptionalInt redirectPort) {

    public static final String DEFAULT_HOST = "0.0.0.0";

    public HttpServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("http host is missing");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http port out of range: " + port);
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(redirectPort, "redirectPort");
        if (redirectPort.isPresent() && tls.isEmpty()) {
            throw new IllegalArgumentException("a redirect to HTTPS needs HTTPS");
        }
    }

    /** Plain HTTP. */
    public HttpServerConfig(String host, int port) {
        this(host, port, Optional.empty(), OptionalInt.empty());
    }

    public static HttpServerConfig read(ConfigSource source, int defaultPort) {
        Optional<TlsConfig> tls = TlsConfig.read(source);
        OptionalInt redirectPort = source.optionalString("http.redirect-port").isPresent()
                ? OptionalInt.of(source.port("http.redirect-port", 0)) : OptionalInt.empty();
        if (redirectPort.isPresent() && tls.isEmpty()) {
            throw new ConfigException("http.redirect-port", "redirects to HTTPS, which needs tls.certificate and tls.key");
        }
        int port = source.port("http.port", defaultPort);
        if (redirectPort.isPresent() && redirectPort.getAsInt() == port && port != 0) {
            throw new ConfigException("http.redirect-port", "is http.port itself (" + port + ")");
        }
        return new HttpServerConfig(source.string("http.host", DEFAULT_HOST), port, tls, redirectPort);
    }

    /** The scheme of the URLs this server answers. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }
}
