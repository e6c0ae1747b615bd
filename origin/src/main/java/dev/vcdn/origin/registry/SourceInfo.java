package dev.vcdn.origin.registry;

import io.vertx.core.json.JsonObject;

/**
 * What the publisher sends, as far as it is known (0 or empty where not).
 *
 * @param videoCodec FourCC of the video ({@code avc1}, {@code hvc1}, {@code av01}, {@code vp09})
 * @param width      pixels
 * @param height     pixels
 * @param fps        frames per second
 * @param audioCodec FourCC of the audio ({@code mp4a}, {@code Opus})
 */
public record SourceInfo(String videoCodec, int width, int height, double fps, String audioCodec) {

    public static final SourceInfo UNKNOWN = new SourceInfo("", 0, 0, 0, "");

    public JsonObject toJson() {
        return new JsonObject().put("videoCodec", videoCodec).put("width", width).put("height", height)
                .put("fps", fps).put("audioCodec", audioCodec);
    }

    public static SourceInfo fromJson(JsonObject json) {
        return new SourceInfo(json.getString("videoCodec", ""), json.getInteger("width", 0),
                json.getInteger("height", 0), json.getDouble("fps", 0.0), json.getString("audioCodec", ""));
    }
}
