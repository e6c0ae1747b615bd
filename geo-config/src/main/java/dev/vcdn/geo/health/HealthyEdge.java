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
 * @param full    it refuses new viewers now (static edges never say so)
 */
public record HealthyEdge(String region, URI url, Optional<InetAddress> address, int viewers, boolean full) {

    public HealthyEdge {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(address, "address");
    }

    /** An edge known only to answer: no load figures. */
    public static HealthyEdge answering(String region, URI url, Optional<InetAddress> address) {
        return new HealthyEdge(region, url, address, 0, false);
    }
}
