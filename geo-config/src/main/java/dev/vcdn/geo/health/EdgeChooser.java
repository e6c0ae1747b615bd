package dev.vcdn.geo.health;

import dev.vcdn.geo.world.Region;
import dev.vcdn.geo.world.World;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edges to send a client of a region to: the region's own healthy edges, else the first
 * fallback region that has some; the least loaded first, a few per answer, rotated between
 * answers so that equal edges share the viewers.
 */
public final class EdgeChooser {

    private final World world;
    private final EdgeHealth health;
    private final AtomicLong rotation = new AtomicLong();

    public EdgeChooser(World world, EdgeHealth health) {
        this.world = world;
        this.health = health;
    }

    public List<HealthyEdge> choose(Region region, int count) {
        for (Region candidate : world.searchOrder(region)) {
            List<HealthyEdge> healthy = new ArrayList<>(health.healthy(candidate.id()));
            if (!healthy.isEmpty()) {
                healthy.sort(Comparator.comparingInt(HealthyEdge::viewers));
                List<HealthyEdge> least = healthy.subList(0, Math.min(count, healthy.size()));
                int offset = (int) (rotation.getAndIncrement() % least.size());
                List<HealthyEdge> rotated = new ArrayList<>(least.subList(offset, least.size()));
                rotated.addAll(least.subList(0, offset));
                return rotated;
            }
        }
        return List.of();
    }
}
