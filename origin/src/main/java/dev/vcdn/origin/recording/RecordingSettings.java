package dev.vcdn.origin.recording;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How recordings are kept (keys {@code recording.*} of origin.yaml).
 *
 * @param directory      where the disk store keeps them
 * @param s3             the S3-compatible store instead of the disk, when configured
 * @param dvrDepth       how far back a live recording's playlist reaches; zero: to the broadcast's start
 * @param retention      recordings that ended longer ago are deleted; zero: kept
 * @param maxBytes       past this, the oldest ended recordings are deleted; zero: no bound
 * @param maxQueuedBytes recording writes waiting for the store; past this a broadcast's recording stops
 */
public record RecordingSettings(Path directory, Optional<S3RecordingStore.Settings> s3, Duration dvrDepth, Duration retention,
                                long maxBytes, long maxQueuedBytes) {

    public static RecordingSettings read(ConfigSource source, Path dataDir) {
        String store = source.string("recording.store", "disk");
        Optional<S3RecordingStore.Settings> s3 = switch (store) {
            case "disk" -> Optional.empty();
            case "s3" -> Optional.of(new S3RecordingStore.Settings(
                    source.httpUrl("recording.s3.endpoint")
                            .orElseThrow(() -> new ConfigException("recording.s3.endpoint", "needed with recording.store: s3")),
                    required(source, "recording.s3.bucket"),
                    source.string("recording.s3.region", "us-east-1"),
                    required(source, "recording.s3.access-key"),
                    required(source, "recording.s3.secret-key")));
            default -> throw new ConfigException("recording.store", "'" + store + "' is not disk or s3");
        };
        return new RecordingSettings(
                source.path("recording.directory", dataDir.resolve("recordings")),
                s3,
                source.duration("recording.dvr-depth", Duration.ZERO, Duration.ZERO, Duration.ofDays(7)),
                source.duration("recording.retention", Duration.ZERO, Duration.ZERO, Duration.ofDays(36_500)),
                source.bytes("recording.max-bytes", 0, 0, Long.MAX_VALUE / 2),
                source.bytes("recording.max-queued", 256L * 1024 * 1024, 16L * 1024 * 1024, 64L * 1024 * 1024 * 1024));
    }

    private static String required(ConfigSource source, String key) {
        return source.optionalString(key).orElseThrow(() -> new ConfigException(key, "needed with recording.store: s3"));
    }
}
