package dev.vcdn.geo.locate;

import dev.vcdn.geo.world.Region;
import dev.vcdn.geo.world.World;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** Which region a client address belongs to; private, unknown and unlisted addresses go to the default region. */
public final class RegionLocator {

    private final World world;
    private final Optional<GeoIp> geoIp;
    private final Continents continents;

    /** @param geoIp empty when no database could be opened: everyone then goes to the default region */
    public RegionLocator(World world, Optional<GeoIp> geoIp, Continents continents) {
        this.world = world;
        this.geoIp = geoIp;
        this.continents = continents;
    }

    public Region locate(InetAddress address) {
        if (isPrivate(address) || geoIp.isEmpty()) {
            return world.defaultRegionRecord();
        }
        return geoIp.get().locate(address)
                .flatMap(location -> world.regionOf(location.country(),
                        location.continent().or(() -> continents.of(location.country()))))
                .orElse(world.defaultRegionRecord());
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            // 100.64.0.0/10, carrier-grade NAT
            return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
        }
        // fc00::/7, unique local
        return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
    }
}
