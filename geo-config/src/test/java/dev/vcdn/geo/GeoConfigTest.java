package dev.vcdn.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeoConfigTest {

    private static final Path EXAMPLE = Path.of("config/geo.yaml");

    private static GeoConfig read(ConfigSource source) {
        GeoConfig config = GeoConfig.read(source);
        source.requireNoUnknownKeys();
        return config;
    }

    @Test
    void defaults() {
        GeoConfig config = read(ConfigSource.ofEnvironment(Map.of()));
        assertThat(config.http().port()).isEqualTo(8053);
        assertThat(config.dns().port()).isEqualTo(5353);
    }

    @Test
    void theCommentedExampleFileHoldsExactlyTheDefaults() {
        assertThat(read(ConfigSource.load(EXAMPLE, Map.of()))).isEqualTo(read(ConfigSource.ofEnvironment(Map.of())));
    }

    @Test
    void theFixedEnvironmentNamesOverrideTheFile() {
        GeoConfig config = read(ConfigSource.load(EXAMPLE, Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "18053", "VCDN_DNS_PORT", "53")));
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(18053);
        assertThat(config.dns().port()).isEqualTo(53);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_DNS_PORT", "5353x"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.port: '5353x' is not an integer");
    }
}
