package dev.vcdn.world;

import java.time.Duration;
import java.util.List;

/**
 * One region of the demo world: where geo-config sends viewers from (continents, countries), its
 * edge's loopback address, its own Hazelcast cluster, and how far it is from the origin.
 *
 * @param rtt the round trip simulated between its edge and the origin (zero: none)
 */
record Region(String id, String name, String host, int clusterPort, List<String> continents, List<String> countries,
              List<String> fallback, Duration rtt) {

    String clusterName() {
        return "vcdn-world-edge-" + id;
    }

    Region withRtt(Duration rtt) {
        return new Region(id, name, host, clusterPort, continents, countries, fallback, rtt);
    }

    /**
     * The world's regions: the two of the small demo (eu takes Europe and Africa, na the rest), or
     * the design's six, each with a round trip to the origin (in Europe) like the real one's.
     */
    static List<Region> of(int count, int clusterPort) {
        if (count == 2) {
            return List.of(
                    new Region("eu", "Europe", "127.0.0.2", clusterPort, List.of("EU", "AF"), List.of("RU", "TR"), List.of("na"),
                            Duration.ZERO),
                    new Region("na", "North America", "127.0.0.3", clusterPort, List.of("NA", "SA", "AS", "OC"), List.of(),
                            List.of("eu"), Duration.ZERO));
        }
        if (count == 6) {
            return List.of(
                    new Region("eu", "Europe", "127.0.0.2", clusterPort, List.of("EU"), List.of("RU", "TR"), List.of("af", "na"),
                            Duration.ofMillis(10)),
                    new Region("na", "North America", "127.0.0.3", clusterPort, List.of("NA"), List.of(), List.of("sa", "eu"),
                            Duration.ofMillis(90)),
                    new Region("sa", "South America", "127.0.0.4", clusterPort, List.of("SA"), List.of(), List.of("na", "eu"),
                            Duration.ofMillis(190)),
                    new Region("sea", "Southeast Asia", "127.0.0.5", clusterPort, List.of("AS"), List.of(), List.of("au", "eu"),
                            Duration.ofMillis(170)),
                    new Region("au", "Oceania", "127.0.0.6", clusterPort, List.of("OC"), List.of(), List.of("sea", "na"),
                            Duration.ofMillis(260)),
                    new Region("af", "Africa", "127.0.0.7", clusterPort, List.of("AF"), List.of(), List.of("eu"),
                            Duration.ofMillis(160)));
        }
        throw new IllegalArgumentException("the world has 2 or 6 regions, not " + count);
    }
}
