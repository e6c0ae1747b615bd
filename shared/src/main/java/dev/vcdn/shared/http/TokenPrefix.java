package dev.vcdn.shared.http;

import java.util.Optional;

/**
 * A playback token carried as the first path segment, {@code /t/{token}/live/...}: every
 * relative URI of a playlist fetched under it inherits it, so players that forward nothing
 * (no query, no header) still carry it on every request. What follows the token is the plain
 * playback path, the one the cache is keyed by.
 *
 * @param token the token as sent (checked by whoever reads it)
 * @param rest  the path after it, starting with {@code /}
 */
public record TokenPrefix(String token, String rest) {

    public static final String PREFIX = "/t/";
    /** Longest token segment looked at: longer is refused before it is parsed. */
    public static final int MAX_TOKEN_LENGTH = 2048;

    /** The token and the rest of {@code uri}, or empty when {@code uri} has no token segment or a bad one. */
    public static Optional<TokenPrefix> split(String uri) {
        if (!uri.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = uri.indexOf('/', PREFIX.length());
        if (end <= PREFIX.length() || end - PREFIX.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new TokenPrefix(uri.substring(PREFIX.length(), end), uri.substring(end)));
    }

    /** Whether {@code uri} carries a token segment longer than any token is: refused as a bad token (403), not as an unknown path. */
    public static boolean tooLong(String uri) {
        if (!uri.startsWith(PREFIX)) {
            return false;
        }
        int end = uri.indexOf('/', PREFIX.length());
        return (end < 0 ? uri.length() : end) - PREFIX.length() > MAX_TOKEN_LENGTH;
    }

    /** {@code path} under {@code token}'s prefix. */
    public static String under(String token, String path) {
        return PREFIX + token + path;
    }
}
