package dev.vcdn.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

    private static final String YAML = """
            http:
              port: 9090
              host: 127.0.0.1
            limits:
              message: 8MiB
              idle: 30s
            cluster:
              members: [10.0.0.1, "10.0.0.2:5701"]
            data-dir: /var/lib/vcdn
            """;

    @Test
    void readsValuesFromTheFile() {
        ConfigSource source = ConfigSource.parse(YAML, "test.yaml", Map.of());
        assertThat(source.port("http.port", 1)).isEqualTo(9090);
        assertThat(source.string("http.host", "x")).isEqualTo("127.0.0.1");
        assertThat(source.bytes("limits.message", 0, 0, Long.MAX_VALUE)).isEqualTo(8L << 20);
        assertThat(source.duration("limits.idle", Duration.ZERO, Duration.ZERO, Duration.ofHours(1))).hasSeconds(30);
        assertThat(source.hostPorts("cluster.members", List.of())).containsExactly("10.0.0.1", "10.0.0.2:5701");
        assertThat(source.path("data-dir", Path.of("x"))).isEqualTo(Path.of("/var/lib/vcdn"));
        source.requireNoUnknownKeys();
    }

    @Test
    void defaultsApplyToMissingKeys() {
        ConfigSource source = ConfigSource.ofEnvironment(Map.of());
        assertThat(source.port("http.port", 8080)).isEqualTo(8080);
        assertThat(source.bool("feature.on", true)).isTrue();
        assertThat(source.list("cluster.members", List.of("a"))).containsExactly("a");
        assertThat(source.httpUrl("auth.url")).isEmpty();
    }

    @Test
    void environmentOverridesTheFile() {
        ConfigSource source = ConfigSource.parse(YAML, "test.yaml", Map.of(
                "VCDN_HTTP_PORT", "7000",
                "VCDN_DATA_DIR", "/tmp/data",
                "VCDN_CLUSTER_MEMBERS", "a:1, b:2,,",
                "VCDN_HTTP_HOST", ""));
        assertThat(source.port("http.port", 1)).isEqualTo(7000);
        assertThat(source.path("data-dir", Path.of("x"))).isEqualTo(Path.of("/tmp/data"));
        assertThat(source.hostPorts("cluster.members", List.of())).containsExactly("a:1", "b:2");
        assertThat(source.string("http.host", "x")).as("an empty variable counts as unset").isEqualTo("127.0.0.1");
    }

    @Test
    void environmentNamesFollowTheKey() {
        assertThat(ConfigSource.envName("http.port")).isEqualTo("VCDN_HTTP_PORT");
        assertThat(ConfigSource.envName("data-dir")).isEqualTo("VCDN_DATA_DIR");
        assertThat(ConfigSource.envName("origin.url")).isEqualTo("VCDN_ORIGIN_URL");
        assertThat(ConfigSource.envName("cluster.failure-timeout")).isEqualTo("VCDN_CLUSTER_FAILURE_TIMEOUT");
    }

    @Test
    void badValuesNameTheKeyAndWhereTheValueCameFrom() {
        ConfigSource fromEnv = ConfigSource.ofEnvironment(Map.of("VCDN_HTTP_PORT", "eighty"));
        assertThatThrownBy(() -> fromEnv.port("http.port", 8080))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.port: 'eighty' is not an integer (from environment variable VCDN_HTTP_PORT)")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("http.port");

        ConfigSource fromFile = ConfigSource.parse("http:\n  port: 70000\n", "origin.yaml", Map.of());
        assertThatThrownBy(() -> fromFile.port("http.port", 8080))
                .hasMessage("http.port: 70000 is outside 0..65535 (from origin.yaml)");
    }

    @Test
    void refusesMalformedUnits() {
        ConfigSource source = ConfigSource.parse("a: 10 s\nb: 10 sec\nc: 8 MB\nd: maybe\ne: ftp://x\nf: [a b]\n", "t", Map.of());
        assertThat(source.duration("a", Duration.ZERO, Duration.ZERO, Duration.ofHours(1))).hasSeconds(10);
        assertThatThrownBy(() -> source.duration("b", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .hasMessageStartingWith("b: '10 sec' is not a duration");
        assertThatThrownBy(() -> source.bytes("c", 0, 0, 1L << 30)).hasMessageStartingWith("c: '8 MB' is not a size");
        assertThatThrownBy(() -> source.bool("d", false)).hasMessageStartingWith("d: 'maybe' is not true or false");
        assertThatThrownBy(() -> source.httpUrl("e")).hasMessageStartingWith("e: 'ftp://x' is not an absolute http(s) URL");
        assertThatThrownBy(() -> source.hostPorts("f", List.of())).hasMessageStartingWith("f: 'a b' is not host or host:port");
    }

    /** Found by fuzzing (configValue): these wrapped around past 2^63 or escaped as a NumberFormatException. */
    @Test
    void refusesNumbersPastWhatALongHolds() {
        ConfigSource source = ConfigSource.parse("a: 17179869185GiB\nb: 99999999999999999999s\nc: 9999999999999999h\n", "t", Map.of());
        assertThatThrownBy(() -> source.bytes("a", 0, 0, 1L << 40))
                .hasMessageStartingWith("a: '17179869185GiB' is larger than any size allowed here");
        assertThatThrownBy(() -> source.duration("b", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .hasMessageStartingWith("b: '99999999999999999999s' is longer than any duration allowed here");
        assertThatThrownBy(() -> source.duration("c", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .hasMessageStartingWith("c: '9999999999999999h' is longer than any duration allowed here");
    }

    /** Found by fuzzing (configValue): a line break in a value broke the error's one line. */
    @Test
    void aValueQuotedInAnErrorStaysOnItsLine() {
        ConfigSource source = ConfigSource.ofEnvironment(Map.of("VCDN_A", " 12\nWARN forged log line\u2028"));
        assertThatThrownBy(() -> source.integer("a", 0, 0, 100))
                .hasMessage("a: ' 12\\nWARN forged log line\\u2028' is not an integer (from environment variable VCDN_A)");
    }

    /** Found by fuzzing (configValue): a NUL in a path escaped as InvalidPathException. */
    @Test
    void refusesAPathTheFileSystemCannotName() {
        ConfigSource source = ConfigSource.ofEnvironment(Map.of("VCDN_DATA_DIR", "data\u0000dir"));
        assertThatThrownBy(() -> source.path("data-dir", Path.of("data")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("data-dir: 'data\\u0000dir' is not a path");
    }

    /** Found by fuzzing (configValue): SnakeYAML let a NumberFormatException out for this key (a base-60 integer past an int). */
    @Test
    void aScalarYamlCannotBuildIsInvalidYaml() {
        assertThatThrownBy(() -> ConfigSource.parse("10000110010001100000:0:", "t.yaml", Map.of())).isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml is not valid YAML");
    }

    @Test
    void refusesASectionWhereAValueIsExpected() {
        ConfigSource source = ConfigSource.parse("http:\n  port:\n    nested: 1\n", "t", Map.of());
        assertThatThrownBy(() -> source.string("http.port", "x")).hasMessageStartingWith("http.port: expected a single value");
    }

    @Test
    void unknownKeysAreErrorsSoTyposAreNotSilentlyIgnored() {
        ConfigSource source = ConfigSource.parse("http:\n  prot: 80\n  port: 81\nrtmp:\n  port: 1\n", "origin.yaml", Map.of());
        source.port("http.port", 0);
        assertThatThrownBy(source::requireNoUnknownKeys)
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.prot: unknown key in origin.yaml (and 1 more: [http.prot, rtmp.port])");
    }

    @Test
    void invalidYamlIsOneLine() {
        assertThatThrownBy(() -> ConfigSource.parse("http: [unclosed\n", "origin.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("origin.yaml is not valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> ConfigSource.parse("a: 1\na: 2\n", "t.yaml", Map.of()))
                .hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> ConfigSource.parse("- a\n- b\n", "t.yaml", Map.of()))
                .hasMessage("t.yaml must be a YAML mapping of keys to values");
    }

    @Test
    void refusesYamlThatWouldConstructJavaObjects() {
        assertThatThrownBy(() -> ConfigSource.parse("a: !!javax.script.ScriptEngineManager [x]\n", "t.yaml", Map.of()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void readsAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.yaml");
        Files.writeString(file, "http:\n  port: 1234\n");
        assertThat(ConfigSource.load(file, Map.of()).port("http.port", 0)).isEqualTo(1234);
        assertThatThrownBy(() -> ConfigSource.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageStartingWith("cannot read config file");
    }

    @Test
    void clusterConfigChecksItsValues() {
        ClusterConfig cluster = ClusterConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_CLUSTER_MEMBERS", "10.1.1.1:5701")),
                "vcdn-x", 5701);
        assertThat(cluster.members()).containsExactly("10.1.1.1:5701");
        assertThat(cluster.name()).isEqualTo("vcdn-x");
        assertThatThrownBy(() -> ClusterConfig.read(ConfigSource.ofEnvironment(Map.of("VCDN_CLUSTER_NAME", "a b")), "x", 1))
                .hasMessageStartingWith("cluster.name:");
        assertThatThrownBy(() -> ClusterConfig.read(ConfigSource.ofEnvironment(
                Map.of("VCDN_CLUSTER_HEARTBEAT", "5s", "VCDN_CLUSTER_FAILURE_TIMEOUT", "6s")), "x", 1))
                .hasMessageStartingWith("cluster.failure-timeout:");
    }
}
