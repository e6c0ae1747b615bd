package dev.vcdn.origin.auth;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What ingest knows when a client asks to publish: the body of {@code POST {auth.url}/publish}.
 *
 * @param protocol      {@code rtmp}, {@code rtmps}, {@code srt} or {@code whip}
 * @param app           the application part of the URL ({@code live})
 * @param streamKey     the secret the streamer typed in
 * @param remoteAddress the publisher's IP address
 * @param backup        the publisher is the channel's backup encoder: it stands by while the
 *                      primary is live, and is packaged when the primary stops or stalls
 */
public record PublishRequest(String protocol, String app, String streamKey, String remoteAddress, boolean backup) {

    /** Longer keys are refused before anyone is asked. */
    public static final int MAX_KEY_LENGTH = 256;
    /** The parameter after the key that makes a publish the backup: {@code rtmp://host/live/KEY?backup}. */
    public static final String BACKUP_PARAMETER = "backup";

    public PublishRequest {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /** A primary publish. */
    public PublishRequest(String protocol, String app, String streamKey, String remoteAddress) {
        this(protocol, app, streamKey, remoteAddress, false);
    }

    /**
     * From the key as the encoder sent it, where parameters may follow a {@code ?} (RTMP stream
     * names, SRT resources): they are not part of the key; a {@code backup} parameter makes the
     * publish the channel's backup.
     */
    public static PublishRequest fromTypedKey(String protocol, String app, String typedKey, String remoteAddress) {
        int query = typedKey.indexOf('?');
        if (query < 0) {
            return new PublishRequest(protocol, app, typedKey, remoteAddress, false);
        }
        boolean backup = false;
        for (String parameter : typedKey.substring(query + 1).split("&", 64)) {
            int equals = parameter.indexOf('=');
            if ((equals < 0 ? parameter : parameter.substring(0, equals)).equals(BACKUP_PARAMETER)) {
                backup = isBackup(equals < 0 ? "" : parameter.substring(equals + 1));
            }
        }
        return new PublishRequest(protocol, app, typedKey.substring(0, query), remoteAddress, backup);
    }

    /** Whether the value of a {@code backup} parameter says so: present without a value, {@code 1} or {@code true}. */
    public static boolean isBackup(String value) {
        return value.isEmpty() || value.equals("1") || value.equalsIgnoreCase("true");
    }

    /** The body of the auth call; {@code backup} only when it is one, so that a primary's body is as it always was. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("protocol", protocol)
                .put("app", app)
                .put("streamKey", streamKey)
                .put("remoteAddress", remoteAddress);
        return backup ? json.put(BACKUP_PARAMETER, true) : json;
    }

    /** The key as logs may show it: never the secret itself. */
    public String redactedKey() {
        return streamKey.isEmpty() ? "(empty)" : streamKey.substring(0, Math.min(4, streamKey.length())) + "...";
    }
}
