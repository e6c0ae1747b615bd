package dev.vcdn.world;

import java.nio.file.Path;

/** The geo.yaml of the demo world: two regions whose edges geo-config finds in their clusters. */
final class GeoWorldFile {

    private GeoWorldFile() {
    }

    static String text(Path geoip, Region eu, Region na, boolean ephemeral) {
        return """
                # Written by the world launcher on every start.
                director:
                  # Local clients may say where they are with X-Forwarded-For, to try the routing.
                  trusted-proxies: [127.0.0.1/32]
                zone: live.vcdn.test
                ttl: %s
                geoip: %s
                default-region: eu
                regions:
                  eu:
                    name: Europe
                    continents: [EU, AF]
                    countries: [RU, TR]
                    fallback: [na]
                    cluster: ["%s:%d"]
                    cluster-name: %s
                  na:
                    name: North America
                    continents: [NA, SA, AS, OC]
                    fallback: [eu]
                    cluster: ["%s:%d"]
                    cluster-name: %s
                """.formatted(ephemeral ? "5s" : "20s", geoip.toAbsolutePath(), eu.host(), eu.clusterPort(), eu.clusterName(),
                na.host(), na.clusterPort(), na.clusterName());
    }
}
