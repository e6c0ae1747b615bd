package dev.vcdn.geo.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.geo.world.World;
import dev.vcdn.geo.world.WorldConfig;
import dev.vcdn.shared.config.ConfigSource;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EdgeChooserTest {

    private final World world = WorldConfig.read(ConfigSource.ofEnvironment(Map.of()));
    private final EdgeHealth health = new EdgeHealth();
    private final EdgeChooser chooser = new EdgeChooser(world, health);

    private static HealthyEdge edge(String region, String host, int viewers, boolean full) {
        return new HealthyEdge(region, URI.create("http://" + host + ":8081"), Optional.empty(), viewers, full);
    }

    private List<String> hosts(String region) {
        return chooser.choose(world.regions().get(region), 3).stream().map(edge -> edge.url().getHost()).toList();
    }

    @Test
    void theLeastLoadedEdgesOfTheRegionComeFirst() {
        health.update("eu", EdgeHealth.Source.CLUSTER, List.of(edge("eu", "eu-busy", 900, false), edge("eu", "eu-calm", 10, false)));
        assertThat(hosts("eu").get(0)).isEqualTo("eu-calm");
    }

    @Test
    void aFullEdgeGetsNoNewViewersWhileAnotherOfItsRegionHasRoom() {
        health.update("eu", EdgeHealth.Source.CLUSTER, List.of(edge("eu", "eu-full", 10, true), edge("eu", "eu-room", 4000, false)));
        assertThat(hosts("eu")).containsExactly("eu-room");
    }

    @Test
    void aRegionWhoseEdgesAreAllFullSendsNewViewersToItsFallback() {
        health.update("eu", EdgeHealth.Source.CLUSTER, List.of(edge("eu", "eu-full", 5000, true)));
        health.update("na", EdgeHealth.Source.CLUSTER, List.of(edge("na", "na-room", 100, false)));
        assertThat(hosts("eu")).as("eu falls back to na first").containsExactly("na-room");
    }

    @Test
    void whenEveryEdgeIsFullTheNearestStillAnswers() {
        health.update("eu", EdgeHealth.Source.CLUSTER, List.of(edge("eu", "eu-full", 5000, true)));
        health.update("na", EdgeHealth.Source.CLUSTER, List.of(edge("na", "na-full", 5000, true)));
        assertThat(hosts("eu")).containsExactly("eu-full");
    }
}
