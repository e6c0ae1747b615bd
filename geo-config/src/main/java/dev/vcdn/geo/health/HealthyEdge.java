package dev.vcdn.geo.health;

import java.net.InetAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An edge that answers now, as DNS and the director hand it out.
 *
 * @param url     where viewers reach it
 * @param address its IP address, when the URL names one (only those can be A/AAAA answers)
 * @param viewers its current viewers (0 for static edges, which report none): the load to balance on
 */
public record HealthyEdge(String region, URI url, Optional<InetAddress> address, int viewers) {

    public HealthyEdge {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(address, "address");
    }

    /** The address of an IP-literal host, without a DNS lookup; empty for names. */
    public static Optional<InetAddress> literalAddress(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = bare.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = bare.contains(":") && bare.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }
}
