package dev.vcdn.shared.stream;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One publish session of a channel: a new id every time the streamer goes live, so that logs,
 * events and caches never mix two sessions of the same channel.
 */
public record StreamId(String value) {

    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public StreamId {
        Identifiers.require("stream id", PATTERN, value);
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    public static StreamId of(String value) {
        return new StreamId(value);
    }

    public static StreamId random() {
        return new StreamId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
