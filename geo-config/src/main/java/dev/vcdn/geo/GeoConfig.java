package dev.vcdn.geo;

import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import java.util.Objects;

/**
 * Everything geo-config is told at start. Keys, defaults and units are documented in
 * {@code geo-config/config/geo.yaml}; a test keeps that file and these defaults equal.
 *
 * @param http the HTTP director and operations endpoints
 * @param dns  the geo-DNS listener (UDP and TCP on the same port)
 */
public record GeoConfig(HttpServerConfig http, Dns dns) {

    public static final int DEFAULT_HTTP_PORT = 8053;
    public static final int DEFAULT_DNS_PORT = 5353;

    public GeoConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(dns, "dns");
    }

    public record Dns(String host, int port) {
    }

    public static GeoConfig read(ConfigSource source) {
        return new GeoConfig(
                HttpServerConfig.read(source, DEFAULT_HTTP_PORT),
                new Dns(source.string("dns.host", "0.0.0.0"), source.port("dns.port", DEFAULT_DNS_PORT)));
    }
}
