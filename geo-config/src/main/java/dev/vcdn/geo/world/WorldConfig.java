package dev.vcdn.geo.world;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the world from geo.yaml. Without a {@code regions} section the six regions of the design
 * apply (Europe, North America, South America, South East Asia, Australia, Africa), and every
 * key of them can still be overridden from the environment ({@code VCDN_REGIONS_EU_EDGES}).
 */
public final class WorldConfig {

    public static final String DEFAULT_ZONE = "live.vcdn.test";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(20);
    public static final Path DEFAULT_GEOIP = Path.of("data/geoip/country.mmdb");
    public static final String DEFAULT_REGION = "eu";

    /** The default world: id, name, continents, countries, fallback. */
    public static final List<Region> DEFAULT_REGIONS = List.of(
            region("eu", "Europe", Set.of("EU"), Set.of("RU", "TR"), List.of("na", "af")),
            region("na", "North America", Set.of("NA"), Set.of(), List.of("eu", "sa")),
            region("sa", "South America", Set.of("SA"), Set.of(), List.of("na", "eu")),
            region("sea", "South East Asia", Set.of("AS"), Set.of(), List.of("au", "eu")),
            region("au", "Australia", Set.of("OC"), Set.of(), List.of("sea", "na")),
            region("af", "Africa", Set.of("AF"), Set.of(), List.of("eu", "sa")));

    private WorldConfig() {
    }

    private static Region region(String id, String name, Set<String> continents, Set<String> countries, List<String> fallback) {
        return new Region(id, name, continents, countries, fallback, List.of(), List.of(), Region.defaultClusterName(id));
    }

    public static World read(ConfigSource source) {
        String zone = source.string("zone", DEFAULT_ZONE).toLowerCase(java.util.Locale.ROOT);
        if (!zone.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}")) {
            throw new ConfigException("zone", "'" + zone + "' is not a DNS name such as live.example.com");
        }
        Duration ttl = source.duration("ttl", DEFAULT_TTL, Duration.ofSeconds(1), Duration.ofHours(1));
        Path geoip = source.path("geoip", DEFAULT_GEOIP);
        String defaultRegion = source.string("default-region", DEFAULT_REGION);

        Optional<List<String>> listed = source.sectionNames("regions", "id");
        Map<String, Region> defaults = new LinkedHashMap<>();
        if (listed.isEmpty()) {
            DEFAULT_REGIONS.forEach(region -> defaults.put(region.id(), region));
        }
        List<String> ids = listed.orElse(List.copyOf(defaults.keySet()));
        Map<String, Region> regions = new LinkedHashMap<>();
        for (String id : ids) {
            Region fallback = defaults.get(id);
            String prefix = "regions." + id + ".";
            try {
                regions.put(id, new Region(id,
                        source.string(prefix + "name", fallback == null ? id : fallback.name()),
                        new HashSet<>(source.list(prefix + "continents", fallback == null ? List.of() : List.copyOf(fallback.continents()))),
                        new HashSet<>(source.list(prefix + "countries", fallback == null ? List.of() : List.copyOf(fallback.countries()))),
                        source.list(prefix + "fallback", fallback == null ? List.of() : fallback.fallback()),
                        source.hostPortsOrUrls(prefix + "edges", List.of()),
                        source.hostPorts(prefix + "cluster", List.of()),
                        source.string(prefix + "cluster-name", Region.defaultClusterName(id))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("regions." + id, e.getMessage());
            }
        }
        try {
            return new World(zone, ttl, geoip, defaultRegion, regions);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("regions", e.getMessage());
        }
    }
}
