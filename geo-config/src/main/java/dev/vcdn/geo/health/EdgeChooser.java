package dev.vcdn.geo.health;

import dev.vcdn.geo.world.Region;
import dev.vcdn.geo.world.World;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The edges to send a client of a region to: the region's own healthy edges with room for new
 * viewers, else those of the first fallback region that has some; when every edge anywhere is
 * full, the nearest region's healthy edges all the same (a full edge still answers its own
 * viewers, and the client retries). The least loaded first, a few per answer, rotated between
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
        List<HealthyEdge> withRoom = first(region, edge -> !edge.full(), count);
        return withRoom.isEmpty() ? first(region, edge -> true, count) : withRoom;
    }

    private List<HealthyEdge> first(Region region, Predicate<HealthyEdge> eligible, int count) {
        for (Region candidate : world.searchOrder(region)) {
            List<HealthyEdge> healthy = new ArrayList<>(health.healthy(candidate.id()).stream().filter(eligible).toList());
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
