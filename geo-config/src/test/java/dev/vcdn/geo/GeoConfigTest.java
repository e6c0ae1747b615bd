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
    void theDefaultWorldHasTheSixRegionsOfTheDesign() {
        GeoConfig config = read(ConfigSource.ofEnvironment(Map.of("VCDN_REGIONS_EU_EDGES", "127.0.0.2:8081")));
        assertThat(config.world().regions()).containsOnlyKeys("eu", "na", "sa", "sea", "au", "af");
        assertThat(config.world().regions().get("eu").edges()).as("set from the environment").containsExactly("127.0.0.2:8081");
        assertThat(config.world().regions().get("na").clusterName()).isEqualTo("vcdn-edge-na");
        assertThat(config.world().zone()).isEqualTo("live.vcdn.test");
    }

    @Test
    void theIssuesListFormOfRegionsReads() {
        GeoConfig config = read(ConfigSource.parse("""
                zone: live.example.com
                ttl: 20s
                regions:
                  - id: eu
                    name: Europe
                    continents: [EU]
                    fallback: [na]
                    edges: ["127.0.0.2:8081"]
                    cluster: ["127.0.0.1:5701"]
                  - id: na
                    name: North America
                    continents: [NA]
                    fallback: [eu]
                    edges: ["127.0.0.3:8081", "https://edge2.na.example.com:8443"]
                """, "geo.yaml", Map.of()));
        assertThat(config.world().regions().get("eu").cluster()).containsExactly("127.0.0.1:5701");
        assertThat(config.world().regions().get("na").edges()).as("an HTTPS edge by its URL")
                .containsExactly("127.0.0.3:8081", "https://edge2.na.example.com:8443");
        assertThat(config.world().searchOrder(config.world().regions().get("na")).get(1).id()).isEqualTo("eu");
    }

    @Test
    void aBrokenWorldIsRefusedWithOneLine() {
        assertThatThrownBy(() -> read(ConfigSource.parse("regions: []", "geo.yaml", Map.of())))
                .hasMessage("regions: no regions: at least one is needed");
        assertThatThrownBy(() -> read(ConfigSource.parse("""
                default-region: eu
                regions:
                  eu: {continents: [EU], fallback: [mars]}
                """, "geo.yaml", Map.of())))
                .hasMessage("regions: region eu falls back to unknown region 'mars'");
        assertThatThrownBy(() -> read(ConfigSource.parse("""
                regions:
                  eu: {countries: [FR]}
                  na: {countries: [FR, US]}
                """, "geo.yaml", Map.of())))
                .hasMessage("regions: country FR is in two regions: eu and na");
        assertThatThrownBy(() -> read(ConfigSource.parse("""
                regions:
                  eu: {continents: [EU], colour: blue}
                """, "geo.yaml", Map.of())))
                .hasMessageStartingWith("regions.eu.colour: unknown key");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_REGIONS_EU_EDGES", "ftp://edge:21"))))
                .hasMessageStartingWith("regions.eu.edges: 'ftp://edge:21' is not an absolute http(s) URL");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_DEFAULT_REGION", "mars"))))
                .hasMessageStartingWith("regions: default region 'mars' is not one of");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_DIRECTOR_TRUSTED_PROXIES", "10.0.0.0/99"))))
                .hasMessageStartingWith("director.trusted-proxies:");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_DNS_PORT", "5353x"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.port: '5353x' is not an integer");
    }
}
