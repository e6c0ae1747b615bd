package dev.vcdn.world;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The geo.yaml of the demo world: its regions, whose edges geo-config finds in their clusters. */
final class GeoWorldFile {

    private GeoWorldFile() {
    }

    static String text(Path geoip, List<Region> regions, boolean ephemeral) {
        StringBuilder out = new StringBuilder("""
                # Written by the world launcher on every start.
                director:
                  # Local clients may say where they are with X-Forwarded-For, to try the routing.
                  trusted-proxies: [127.0.0.1/32]
                zone: live.vcdn.test
                ttl: %s
                geoip: %s
                default-region: %s
                regions:
                """.formatted(ephemeral ? "5s" : "20s", geoip.toAbsolutePath(), regions.get(0).id()));
        for (Region region : regions) {
            out.append("  ").append(region.id()).append(":\n")
                    .append("    name: ").append(region.name()).append('\n')
                    .append("    continents: ").append(list(region.continents())).append('\n');
            if (!region.countries().isEmpty()) {
                out.append("    countries: ").append(list(region.countries())).append('\n');
            }
            out.append("    fallback: ").append(list(region.fallback())).append('\n')
                    .append("    cluster: [\"").append(region.host()).append(':').append(region.clusterPort()).append("\"]\n")
                    .append("    cluster-name: ").append(region.clusterName()).append('\n');
        }
        return out.toString();
    }

    private static String list(List<String> items) {
        return items.stream().collect(Collectors.joining(", ", "[", "]"));
    }
}
