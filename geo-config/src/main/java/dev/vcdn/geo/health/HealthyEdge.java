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

}
