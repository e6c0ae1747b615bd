package dev.vcdn.geo.health;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The healthy edges of every region, as the watchers last saw them: one list per region and
 * source (the region's cluster, its static edges), each replaced whole. Read by DNS and the
 * director on any thread.
 */
public final class EdgeHealth {

    public enum Source {
        CLUSTER,
        STATIC
    }

    private record Key(String region, Source source) {
    }

    private final Map<Key, List<HealthyEdge>> edges = new ConcurrentHashMap<>();

    public void update(String region, Source source, List<HealthyEdge> healthy) {
        edges.put(new Key(region, source), List.copyOf(healthy));
    }

    public List<HealthyEdge> healthy(String region) {
        List<HealthyEdge> fromCluster = edges.getOrDefault(new Key(region, Source.CLUSTER), List.of());
        List<HealthyEdge> fromStatic = edges.getOrDefault(new Key(region, Source.STATIC), List.of());
        if (fromStatic.isEmpty()) {
            return fromCluster;
        }
        if (fromCluster.isEmpty()) {
            return fromStatic;
        }
        // An edge may be both listed statically and in the cluster: once is enough.
        java.util.LinkedHashMap<java.net.URI, HealthyEdge> byUrl = new java.util.LinkedHashMap<>();
        fromCluster.forEach(edge -> byUrl.put(edge.url(), edge));
        fromStatic.forEach(edge -> byUrl.putIfAbsent(edge.url(), edge));
        return List.copyOf(byUrl.values());
    }

    public int total() {
        return edges.values().stream().mapToInt(List::size).sum();
    }
}
