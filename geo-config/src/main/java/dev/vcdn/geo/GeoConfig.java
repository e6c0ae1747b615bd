package dev.vcdn.geo;

import dev.vcdn.shared.net.Cidr;
import dev.vcdn.geo.world.World;
import dev.vcdn.geo.world.WorldConfig;
import dev.vcdn.shared.config.ClientTlsConfig;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything geo-config is told at start. Keys, defaults and units are documented in
 * {@code geo-config/config/geo.yaml}; a test keeps that file and these defaults equal.
 *
 * @param http     the HTTP director and operations endpoints
 * @param dns      the geo-DNS listener (UDP and TCP on the same port)
 * @param director who may forward client addresses, and how many alternatives to offer
 * @param world    the zone and the regions
 * @param clientTls whom it trusts when it probes edges over HTTPS ({@code tls.ca})
 */
public record GeoConfig(HttpServerConfig http, Dns dns, Director director, World world, ClientTlsConfig clientTls) {

    public static final int DEFAULT_HTTP_PORT = 8053;
    public static final int DEFAULT_DNS_PORT = 5353;

    public GeoConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(director, "director");
        Objects.requireNonNull(clientTls, "clientTls");
        Objects.requireNonNull(world, "world");
    }

    /**
     * @param nameserver        the name in the apex NS record
     * @param nameserverAddress its address (public), answered when the name is in the zone
     * @param names             names under the zone, besides the apex, that answer with edges
     * @param answers           edge addresses per A/AAAA answer
     * @param rateLimit         UDP answers per second per /24 (IPv4) or /56 (IPv6) source prefix
     */
    public record Dns(String host, int port, String nameserver, Optional<String> nameserverAddress, List<String> names,
                      int answers, int rateLimit) {

        public Dns {
            names = List.copyOf(names);
        }
    }

    public record Director(List<Cidr> trustedProxies, int alternatives) {

        public Director {
            trustedProxies = List.copyOf(trustedProxies);
        }
    }

    public static GeoConfig read(ConfigSource source) {
        World world = WorldConfig.read(source);
        Dns dns = new Dns(source.string("dns.host", "0.0.0.0"), source.port("dns.port", DEFAULT_DNS_PORT),
                source.string("dns.nameserver", "ns1." + world.zone()),
                source.optionalString("dns.nameserver-address"),
                source.list("dns.names", List.of()),
                source.integer("dns.answers", 2, 1, 16),
                source.integer("dns.rate-limit", 100, 1, 1_000_000));
        for (String name : dns.names()) {
            if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw new ConfigException("dns.names", "'" + name + "' must be one label under the zone, such as www");
            }
        }
        List<Cidr> trusted;
        try {
            trusted = source.list("director.trusted-proxies", List.of()).stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("director.trusted-proxies", e.getMessage());
        }
        return new GeoConfig(HttpServerConfig.read(source, DEFAULT_HTTP_PORT), dns,
                new Director(trusted, source.integer("director.alternatives", 2, 0, 8)), world, ClientTlsConfig.read(source));
    }
}
