package dev.vcdn.shared.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.Ed25519;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.access.PlaybackToken;
import dev.vcdn.shared.access.TokenRefused;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.events.EventCodec;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.PlaylistParseException;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.http.PlaybackPath;
import dev.vcdn.shared.http.TargetGuard;
import dev.vcdn.shared.http.TokenPrefix;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the parsers in shared that read what the network sends: playback
 * tokens, the access document, playlists, origin events and subscriptions, playback paths, and
 * the config values an operator writes (YAML or environment). Each
 * input is either refused with the parser's own exception or parsed, and what was parsed is
 * written and read again. In {@code mvn test} these run over their stored inputs
 * ({@code src/test/resources/dev/vcdn/shared/fuzz/SharedParsersFuzzTestInputs}); {@code
 * bench/fuzz.sh} fuzzes each for a while.
 */
class SharedParsersFuzzTest {

    private static final ChannelName PRIVATE = ChannelName.of("secret");
    private static final PlaybackAccess ACCESS = new PlaybackAccess(Optional.of("eu"), Clock.systemUTC());

    static {
        ACCESS.install(new AccessPolicy(Map.of("k1", Ed25519.generate().getPublic()), Set.of(PRIVATE), Set.of("r"),
                Map.of("secret", java.time.Instant.EPOCH)));
    }

    @FuzzTest(maxDuration = "10m")
    void playbackToken(FuzzedDataProvider data) {
        String token = data.consumeRemainingAsString();
        try {
            PlaybackToken.parse(token);
        } catch (TokenRefused expected) {
            assertThat(expected.status()).isEqualTo(403);
        }
        try {
            ACCESS.check(PRIVATE, token, () -> "203.0.113.9");
        } catch (TokenRefused expected) {
            assertThat(expected.status()).isIn(401, 403);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void accessDocument(byte[] input) {
        AccessPolicy policy;
        try {
            policy = AccessPolicy.fromJson(new JsonObject(Buffer.buffer(input)));
        } catch (DecodeException | IllegalArgumentException refused) {
            return;
        }
        assertThat(AccessPolicy.fromJson(new JsonObject(policy.toJson().encode()))).isEqualTo(policy);
    }

    @FuzzTest(maxDuration = "10m")
    void mediaPlaylist(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        MediaPlaylist playlist;
        try {
            playlist = PlaylistParser.parseMedia(text);
        } catch (PlaylistParseException refused) {
            return;
        }
        String written = PlaylistWriter.write(playlist);
        try {
            MediaPlaylist again = PlaylistParser.parseMedia(written);
            assertThat(again.segments()).hasSameSizeAs(playlist.segments());
            assertThat(again.mediaSequence()).isEqualTo(playlist.mediaSequence());
        } catch (PlaylistParseException e) {
            throw new AssertionError("what was parsed, written, is refused: " + e.getMessage() + "\n" + written, e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void multivariantPlaylist(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        MultivariantPlaylist playlist;
        try {
            playlist = PlaylistParser.parseMultivariant(text);
        } catch (PlaylistParseException refused) {
            return;
        }
        try {
            assertThat(PlaylistParser.parseMultivariant(PlaylistWriter.write(playlist)).variants())
                    .hasSameSizeAs(playlist.variants());
        } catch (PlaylistParseException e) {
            throw new AssertionError("what was parsed, written, is refused: " + e.getMessage(), e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void originEvent(byte[] input) {
        OriginEvent event;
        try {
            event = EventCodec.decode(Buffer.buffer(input));
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    }

    @FuzzTest(maxDuration = "10m")
    void subscription(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        OriginEvent.Subscription subscription;
        try {
            subscription = EventCodec.decodeSubscription(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(EventCodec.decodeSubscription(EventCodec.encode(subscription))).isEqualTo(subscription);
    }

    @FuzzTest(maxDuration = "10m")
    void playbackTarget(FuzzedDataProvider data) {
        String target = data.consumeRemainingAsString();
        TargetGuard.isSuspicious(target);
        Optional<TokenPrefix> prefix = TokenPrefix.split(target);
        String path = prefix.map(TokenPrefix::rest).orElse(target);
        Optional<PlaybackPath> parsed = PlaybackPath.parse(path);
        if (parsed.isPresent()) {
            // What the playback path parser takes, the guard in front of it lets through (a token
            // segment before it may still make the whole target suspicious: refused before routing).
            assertThat(TargetGuard.isSuspicious(path)).as("a suspicious path was parsed: %s", path).isFalse();
            assertThat(PlaybackPath.parse(parsed.get().canonical())).contains(parsed.get());
        }
        Optional<RecordingPath> recording = RecordingPath.parse(path);
        if (recording.isPresent()) {
            assertThat(TargetGuard.isSuspicious(path)).as("a suspicious recording path was parsed: %s", path).isFalse();
            assertThat(RecordingPath.parse(recording.get().canonical())).contains(recording.get());
            // What it names in the store stays inside the recording's folder.
            recording.get().storeKey().ifPresent(key -> assertThat(key).startsWith(recording.get().recording().storePrefix())
                    .doesNotContain("..").doesNotContain("//"));
        }
    }

    /**
     * A config file (any YAML, or a document whose one value is the fuzzer's) and an environment
     * override: refused with {@link ConfigException} (naming the key) or read, every typed value
     * within the bounds it was asked for; a size or duration from the environment (taken as written)
     * is the number times its unit, computed here without overflow, or refused when that is out of
     * bounds.
     */
    @FuzzTest(maxDuration = "10m")
    void configValue(FuzzedDataProvider data) {
        String yaml = data.consumeBoolean() ? data.consumeString(4096) : "value: " + data.consumeString(512);
        Optional<String> fromEnv = data.consumeBoolean() ? Optional.of(data.consumeString(64)) : Optional.empty();
        ConfigSource config;
        try {
            config = ConfigSource.parse(yaml, "fuzzed.yaml", fromEnv.map(v -> Map.of(ConfigSource.envName("value"), v)).orElse(Map.of()));
        } catch (ConfigException refused) {
            return;
        }
        long maxBytes = 1L << 40;
        Duration maxDuration = Duration.ofDays(2);
        Optional<BigInteger> expectedBytes = fromEnv.flatMap(v -> exactly(SIZE, v, Map.of("", 1L, "B", 1L, "KiB", 1L << 10,
                "MiB", 1L << 20, "GiB", 1L << 30)));
        Optional<BigInteger> expectedMillis = fromEnv.flatMap(v -> exactly(DURATION, v, Map.of("ms", 1L, "s", 1000L,
                "m", 60_000L, "h", 3_600_000L, "d", 86_400_000L)));
        readOrRefuse(() -> assertThat(config.integer("value", 5, -10, 1000)).isBetween(-10, 1000));
        try {
            long bytes = config.bytes("value", 4096, 1, maxBytes);
            assertThat(bytes).isBetween(1L, maxBytes);
            expectedBytes.ifPresent(expected -> assertThat(BigInteger.valueOf(bytes)).isEqualTo(expected));
        } catch (ConfigException refused) {
            assertThat(refused.key()).isEqualTo("value");
            expectedBytes.ifPresent(expected -> assertThat(expected.compareTo(BigInteger.ONE) < 0
                    || expected.compareTo(BigInteger.valueOf(maxBytes)) > 0).as("refused " + expected).isTrue());
        }
        try {
            Duration duration = config.duration("value", Duration.ofSeconds(1), Duration.ofMillis(10), maxDuration);
            assertThat(duration).isBetween(Duration.ofMillis(10), maxDuration);
            expectedMillis.ifPresent(expected -> assertThat(BigInteger.valueOf(duration.toMillis())).isEqualTo(expected));
        } catch (ConfigException refused) {
            assertThat(refused.key()).isEqualTo("value");
            expectedMillis.ifPresent(expected -> assertThat(expected.compareTo(BigInteger.TEN) < 0
                    || expected.compareTo(BigInteger.valueOf(maxDuration.toMillis())) > 0).as("refused " + expected).isTrue());
        }
        readOrRefuse(() -> config.bool("value", false));
        readOrRefuse(() -> assertThat(config.port("value", 8080)).isBetween(0, 65_535));
        readOrRefuse(() -> config.list("value", List.of()));
        readOrRefuse(() -> config.hostPorts("value", List.of()));
        readOrRefuse(() -> config.hostPortsOrUrls("value", List.of()));
        readOrRefuse(() -> config.httpUrls("value", List.of()).forEach(url -> assertThat(url.getScheme()).isIn("http", "https")));
        readOrRefuse(() -> config.path("value", Path.of("data")));
        readOrRefuse(() -> config.sectionNames("value", "id"));
        try {
            config.requireNoUnknownKeys();
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).doesNotContain("\n");
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** The value a number with a unit stands for, as an exact integer; empty when it is not written so. */
    private static Optional<BigInteger> exactly(Pattern pattern, String written, Map<String, Long> units) {
        Matcher m = pattern.matcher(written.trim());
        return m.matches() ? Optional.of(new BigInteger(m.group(1)).multiply(BigInteger.valueOf(units.get(m.group(2)))))
                : Optional.empty();
    }

    private static void readOrRefuse(Runnable read) {
        try {
            read.run();
        } catch (ConfigException refused) {
            assertThat(refused.key()).isEqualTo("value");
            assertThat(refused.getMessage()).doesNotContain("\n");
        }
    }
}
