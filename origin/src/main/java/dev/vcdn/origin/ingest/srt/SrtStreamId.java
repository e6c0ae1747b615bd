package dev.vcdn.origin.ingest.srt;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a publisher asks for in its SRT stream id, in the access-control syntax
 * ({@code #!::r=live/KEY,m=publish}): the application and stream key of the resource {@code r},
 * and the mode {@code m}.
 */
record SrtStreamId(String app, String key, String mode) {

    private static final String PREFIX = "#!::";

    boolean publishes() {
        return mode.equals("publish");
    }

    /** Empty when the id is not in that syntax or names no {@code app/key} resource. */
    static Optional<SrtStreamId> parse(String streamId) {
        if (!streamId.startsWith(PREFIX) || streamId.length() > SrtHandshake.MAX_STREAM_ID) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : streamId.substring(PREFIX.length()).split(",", 16)) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || fields.putIfAbsent(pair.substring(0, equals), pair.substring(equals + 1)) != null) {
                return Optional.empty();
            }
        }
        String resource = fields.getOrDefault("r", "");
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new SrtStreamId(resource.substring(0, slash), resource.substring(slash + 1),
                fields.getOrDefault("m", "request")));
    }
}
