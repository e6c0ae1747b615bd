package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {

    private static final Path EXAMPLE = Path.of("config/edge.yaml");

    private static EdgeConfig read(ConfigSource source) {
        EdgeConfig config = EdgeConfig.read(source);
        source.requireNoUnknownKeys();
        return config;
    }

    @Test
    void defaults() {
        EdgeConfig config = read(ConfigSource.ofEnvironment(Map.of()));
        assertThat(config.http().port()).isEqualTo(8081);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.origins()).containsExactly(URI.create("http://127.0.0.1:8080"));
        assertThat(config.region()).isEqualTo("local");
        assertThat(config.cluster().name()).isEqualTo("vcdn-edge-local");
        assertThat(config.cluster().port()).isEqualTo(5801);
        assertThat(config.viewers().limited()).as("no viewer limit unless one is set").isFalse();
        assertThat(config.viewers().writeDeadline()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theCommentedExampleFileHoldsExactlyTheDefaults() {
        assertThat(read(ConfigSource.load(EXAMPLE, Map.of()))).isEqualTo(read(ConfigSource.ofEnvironment(Map.of())));
    }

    @Test
    void theFixedEnvironmentNamesOverrideTheFile() {
        EdgeConfig config = read(ConfigSource.load(EXAMPLE, Map.of(
                "VCDN_HTTP_HOST", "127.0.0.2",
                "VCDN_HTTP_PORT", "9081",
                "VCDN_ORIGIN_URL", "https://origin-a.example.com, https://origin-b.example.com",
                "VCDN_REGION", "eu",
                "VCDN_CLUSTER_PORT", "5901",
                "VCDN_CLUSTER_MEMBERS", "10.0.0.5:5901,10.0.0.6:5901",
                "VCDN_VIEWERS_MAX", "4000",
                "VCDN_VIEWERS_WRITE_DEADLINE", "5s")));
        assertThat(config.http().host()).isEqualTo("127.0.0.2");
        assertThat(config.http().port()).isEqualTo(9081);
        assertThat(config.origins()).as("the origins in order of preference")
                .containsExactly(URI.create("https://origin-a.example.com"), URI.create("https://origin-b.example.com"));
        assertThat(config.region()).isEqualTo("eu");
        assertThat(config.cluster().name()).as("one cluster per region").isEqualTo("vcdn-edge-eu");
        assertThat(config.cluster().port()).isEqualTo(5901);
        assertThat(config.cluster().members()).isEqualTo(List.of("10.0.0.5:5901", "10.0.0.6:5901"));
        assertThat(config.viewers()).isEqualTo(new EdgeConfig.Viewers(4000, Duration.ofSeconds(5)));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_REGION", "Europe West"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("region: 'Europe West' must match");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_CLUSTER_PORT", "0"))))
                .hasMessageStartingWith("cluster.port: 0 is outside 1..65535");
    }
}
