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
 */
public record PublishRequest(String protocol, String app, String streamKey, String remoteAddress) {

    /** Longer keys are refused before anyone is asked. */
    public static final int MAX_KEY_LENGTH = 256;

    public PublishRequest {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("protocol", protocol)
                .put("app", app)
                .put("streamKey", streamKey)
                .put("remoteAddress", remoteAddress);
    }

    /** The key as logs may show it: never the secret itself. */
    public String redactedKey() {
        return streamKey.isEmpty() ? "(empty)" : streamKey.substring(0, Math.min(4, streamKey.length())) + "...";
    }
}
