package dev.vcdn.geo.world;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One region of the world: who belongs to it and where its edges are.
 *
 * @param id          short name, as edges are told with {@code VCDN_REGION}
 * @param name        for people
 * @param continents  continent codes (EU, NA, SA, AS, OC, AF, AN) whose countries come here
 * @param countries   ISO 3166-1 alpha-2 codes that come here whatever their continent
 * @param fallback    the next-nearest regions, in order, for when this one has no healthy edge
 * @param edges       static edges as {@code host:port} (plain HTTP) or as their URL ({@code https://host:port}),
 *                    healthy while their {@code /ready} answers
 * @param cluster     the region's Hazelcast members ({@code host:port}), whose {@code edges} map lists its edges
 * @param clusterName the region's Hazelcast cluster name ({@code vcdn-edge-<id>}, as the edges default to)
 */
public record Region(String id, String name, Set<String> continents, Set<String> countries, List<String> fallback,
                     List<String> edges, List<String> cluster, String clusterName) {

    public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    public static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    public Region {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clusterName, "clusterName");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("region id '" + id + "' does not match " + ID);
        }
        continents = Set.copyOf(continents);
        countries = Set.copyOf(countries);
        fallback = List.copyOf(fallback);
        edges = List.copyOf(edges);
        cluster = List.copyOf(cluster);
        for (String continent : continents) {
            if (!CONTINENTS.contains(continent)) {
                throw new IllegalArgumentException("region " + id + ": '" + continent + "' is not a continent code " + CONTINENTS);
            }
        }
        for (String country : countries) {
            if (!COUNTRY.matcher(country).matches()) {
                throw new IllegalArgumentException("region " + id + ": '" + country + "' is not an ISO country code");
            }
        }
    }

    public static String defaultClusterName(String id) {
        return "vcdn-edge-" + id;
    }
}
