package dev.vcdn.shared.stream;

/**
 * A channel as viewers and streamers know it ({@code alice}, {@code news-24}). It appears in URLs,
 * cache keys and metrics, so it is validated once here and refused everywhere else when invalid.
 */
public record ChannelName(String value) {

    public ChannelName {
        Identifiers.requireName("channel name", value);
    }

    public static ChannelName of(String value) {
        return new ChannelName(value);
    }

    public static boolean isValid(String value) {
        return Identifiers.isName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
