package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginConfigTest {

    private static final Path EXAMPLE = Path.of("config/origin.yaml");

    private static OriginConfig read(ConfigSource source) {
        OriginConfig config = OriginConfig.read(source);
        source.requireNoUnknownKeys();
        return config;
    }

    @Test
    void defaults() {
        OriginConfig config = read(ConfigSource.ofEnvironment(Map.of()));
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.rtmp().port()).isEqualTo(1935);
        assertThat(config.srt().port()).isEqualTo(9000);
        assertThat(config.srt().latency()).isEqualTo(java.time.Duration.ofMillis(120));
        assertThat(config.auth().url()).as("built-in auth service").isEmpty();
        assertThat(config.auth().timeout()).as("a refused publish is told within 2 s").isEqualTo(Duration.ofMillis(1500));
        assertThat(config.rtmp().port()).isEqualTo(1935);
        assertThat(config.rtmp().tls()).as("RTMPS off without a certificate").isEmpty();
        assertThat(config.rtmp().limits()).isEqualTo(dev.vcdn.origin.ingest.rtmp.RtmpLimits.DEFAULT);
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.cluster().name()).isEqualTo("vcdn-origin");
        assertThat(config.cluster().members()).isEmpty();
    }

    @Test
    void theCommentedExampleFileHoldsExactlyTheDefaults() {
        assertThat(read(ConfigSource.load(EXAMPLE, Map.of()))).isEqualTo(read(ConfigSource.ofEnvironment(Map.of())));
    }

    @Test
    void theFixedEnvironmentNamesOverrideTheFile() {
        OriginConfig config = read(ConfigSource.load(EXAMPLE, Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1",
                "VCDN_HTTP_PORT", "18080",
                "VCDN_RTMP_PORT", "11935",
                "VCDN_SRT_PORT", "19000",
                "VCDN_ADMIN_TOKEN", "0123456789abcdef0123",
                "VCDN_DATA_DIR", "/var/lib/vcdn",
                "VCDN_AUTH_URL", "https://auth.example.com/api",
                "VCDN_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2:5702")));
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(18080);
        assertThat(config.rtmp().port()).isEqualTo(11935);
        assertThat(config.srt().port()).isEqualTo(19000);
        assertThat(config.adminToken()).contains("0123456789abcdef0123");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/vcdn"));
        assertThat(config.auth().url()).isEqualTo(Optional.of(URI.create("https://auth.example.com/api")));
        assertThat(config.cluster().members()).isEqualTo(List.of("10.0.0.1", "10.0.0.2:5702"));
    }

    @Test
    void rtmpsNeedsBothFilesAndLimitsAreChecked() {
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_RTMPS_CERTIFICATE", "/etc/cert.pem"))))
                .hasMessage("rtmps.key: RTMPS needs both rtmps.certificate and rtmps.key");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_RTMP_MAX_CHUNK_SIZE", "64MiB"))))
                .hasMessageStartingWith("rtmp.max-chunk-size: 67108864 bytes is outside 128..16777215");
        OriginConfig config = read(ConfigSource.ofEnvironment(Map.of("VCDN_RTMPS_CERTIFICATE", "/etc/cert.pem",
                "VCDN_RTMPS_KEY", "/etc/key.pem", "VCDN_RTMP_IDLE_TIMEOUT", "30s")));
        assertThat(config.rtmp().tls()).hasValueSatisfying(tls -> assertThat(tls.port()).isEqualTo(1936));
        assertThat(config.rtmp().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void hlsTimingIsConfigurableAndChecked() {
        OriginConfig defaults = read(ConfigSource.ofEnvironment(Map.of()));
        assertThat(defaults.hls().standard().partTarget()).isEqualTo(Duration.ofMillis(334));
        assertThat(defaults.hls().lowLatency().partTarget()).isEqualTo(Duration.ofMillis(200));
        assertThat(defaults.hls().standard().segmentTarget()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_HLS_PART_TARGET", "1s"))))
                .hasMessage("hls: a segment must hold at least three parts");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_HLS_WINDOW", "12s"))))
                .hasMessageStartingWith("hls: the window must be at least 7 segments");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_RTMP_PORT", "-1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rtmp.port: -1 is outside 0..65535");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_AUTH_URL", "auth.local"))))
                .hasMessageStartingWith("auth.url: 'auth.local' is not an absolute http(s) URL");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_ADMIN_TOKEN", "short"))))
                .hasMessage("admin.token: must be at least 16 characters");
        assertThatThrownBy(() -> read(ConfigSource.parse("auth:\n  timeout: 2 minutes\n", "origin.yaml", Map.of())))
                .hasMessageStartingWith("auth.timeout: '2 minutes' is not a duration");
    }

    @Test
    void recordingsGoUnderTheDataDirUnlessAnS3StoreIsGivenWhole() {
        OriginConfig defaults = read(ConfigSource.ofEnvironment(Map.of("VCDN_DATA_DIR", "/var/lib/vcdn")));
        assertThat(defaults.recording().directory()).isEqualTo(Path.of("/var/lib/vcdn/recordings"));
        assertThat(defaults.recording().s3()).isEmpty();
        assertThat(defaults.recording().dvrDepth()).isZero();
        assertThat(defaults.recording().retention()).isZero();

        OriginConfig s3 = read(ConfigSource.ofEnvironment(Map.of("VCDN_RECORDING_STORE", "s3",
                "VCDN_RECORDING_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com", "VCDN_RECORDING_S3_BUCKET", "rec",
                "VCDN_RECORDING_S3_ACCESS_KEY", "AKIA", "VCDN_RECORDING_S3_SECRET_KEY", "secret",
                "VCDN_RECORDING_RETENTION", "30d", "VCDN_RECORDING_DVR_DEPTH", "2h")));
        assertThat(s3.recording().s3()).hasValueSatisfying(settings -> {
            assertThat(settings.endpoint()).isEqualTo(URI.create("https://s3.eu-west-1.amazonaws.com"));
            assertThat(settings.region()).isEqualTo("us-east-1");
        });
        assertThat(s3.toString()).as("a config printed anywhere").doesNotContain("secret");
        assertThat(s3.recording().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(s3.recording().dvrDepth()).isEqualTo(Duration.ofHours(2));

        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_RECORDING_STORE", "s3",
                "VCDN_RECORDING_S3_ENDPOINT", "http://minio:9000", "VCDN_RECORDING_S3_BUCKET", "rec"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("recording.s3.access-key");
        assertThatThrownBy(() -> read(ConfigSource.ofEnvironment(Map.of("VCDN_RECORDING_STORE", "tape"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("recording.store");
    }
}
