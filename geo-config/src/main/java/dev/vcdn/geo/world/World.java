package dev.vcdn.geo.world;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The map geo-config answers from: the DNS zone, the regions with who goes where and which
 * region is next nearest. Validated whole at load: a fallback to an unknown region, a country
 * or continent claimed twice, or no region at all is refused with one line.
 *
 * @param zone          the DNS zone served, e.g. {@code live.vcdn.test}
 * @param ttl           TTL of the A/AAAA answers: short, so a dead edge leaves resolvers' caches soon
 * @param geoip         the MaxMind-format country database
 * @param defaultRegion where unknown and private addresses go
 * @param regions       by id, in file order
 */
public record World(String zone, Duration ttl, Path geoip, String defaultRegion, Map<String, Region> regions) {

    public World {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(geoip, "geoip");
        Objects.requireNonNull(defaultRegion, "defaultRegion");
        regions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(regions));
        validate(defaultRegion, regions);
    }

    private static void validate(String defaultRegion, Map<String, Region> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no regions: at least one is needed");
        }
        if (!regions.containsKey(defaultRegion)) {
            throw new IllegalArgumentException("default region '" + defaultRegion + "' is not one of " + regions.keySet());
        }
        Map<String, String> countryOwner = new HashMap<>();
        Map<String, String> continentOwner = new HashMap<>();
        for (Region region : regions.values()) {
            for (String next : region.fallback()) {
                if (!regions.containsKey(next)) {
                    throw new IllegalArgumentException("region " + region.id() + " falls back to unknown region '" + next + "'");
                }
                if (next.equals(region.id())) {
                    throw new IllegalArgumentException("region " + region.id() + " falls back to itself");
                }
            }
            for (String country : region.countries()) {
                String before = countryOwner.put(country, region.id());
                if (before != null) {
                    throw new IllegalArgumentException("country " + country + " is in two regions: " + before + " and " + region.id());
                }
            }
            for (String continent : region.continents()) {
                String before = continentOwner.put(continent, region.id());
                if (before != null) {
                    throw new IllegalArgumentException("continent " + continent + " is in two regions: " + before + " and " + region.id());
                }
            }
        }
    }

    /** The region a country belongs to: by its own code first, then by its continent. */
    public Optional<Region> regionOf(String country, Optional<String> continent) {
        for (Region region : regions.values()) {
            if (region.countries().contains(country)) {
                return Optional.of(region);
            }
        }
        return continent.flatMap(c -> regions.values().stream().filter(r -> r.continents().contains(c)).findFirst());
    }

    /** {@code region} and then its fallbacks, each once: the order in which to look for healthy edges. */
    public List<Region> searchOrder(Region region) {
        List<Region> order = new ArrayList<>();
        order.add(region);
        for (String next : region.fallback()) {
            Region fallback = regions.get(next);
            if (!order.contains(fallback)) {
                order.add(fallback);
            }
        }
        // Beyond the listed fallbacks, any region with edges beats no answer at all.
        regions.values().stream().filter(r -> !order.contains(r)).forEach(order::add);
        return order;
    }

    public Region defaultRegionRecord() {
        return regions.get(defaultRegion);
    }
}
