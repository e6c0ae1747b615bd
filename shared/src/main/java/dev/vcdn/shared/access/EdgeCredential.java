package dev.vcdn.shared.access;

import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The shared secret edges present to origins ({@code VCDN_EDGE_TOKEN}, the same value on both)
 * as {@code Authorization: Bearer}: it opens the event stream and private channels' fills. When
 * none is configured, origins ask for none (and their event stream is open to anyone).
 */
public record EdgeCredential(Optional<String> token) {

    public static final int MIN_LENGTH = 16;
    public static final EdgeCredential NONE = new EdgeCredential(Optional.empty());

    public EdgeCredential {
        if (token.isPresent() && token.get().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the edge token must be at least " + MIN_LENGTH + " characters");
        }
    }

    /** {@code edge-token} ({@code VCDN_EDGE_TOKEN}); unset or empty: none. */
    public static EdgeCredential read(ConfigSource source) {
        Optional<String> token = source.optionalString("edge-token");
        if (token.isPresent() && token.get().length() < MIN_LENGTH) {
            throw new ConfigException("edge-token", "must be at least " + MIN_LENGTH + " characters");
        }
        return new EdgeCredential(token);
    }

    public boolean required() {
        return token.isPresent();
    }

    /** Whether {@code headers} carry this credential (compared in constant time); false when none is configured. */
    public boolean presentIn(MultiMap headers) {
        String header = headers.get(HttpHeaders.AUTHORIZATION);
        return token.isPresent() && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8),
                header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the credential to a request (or a WebSocket handshake), when there is one. */
    public void addTo(RequestOptions request) {
        token.ifPresent(value -> request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + value));
    }
}
