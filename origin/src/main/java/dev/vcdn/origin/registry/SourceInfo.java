package dev.vcdn.origin.registry;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What the publisher sends, as far as it is known (0 or empty where not). Every value is
 * checked here, because it comes from a publisher (RTMP onMetaData) and goes to every origin of
 * the cluster: a NaN frame rate once made the stream list unreadable for every channel.
 *
 * @param videoCodec FourCC of the video ({@code avc1}, {@code hvc1}, {@code av01}, {@code vp09})
 * @param width      pixels, 0 to {@value #MAX_DIMENSION}
 * @param height     pixels, 0 to {@value #MAX_DIMENSION}
 * @param fps        frames per second, 0 to {@value #MAX_FPS}
 * @param audioCodec FourCC of the audio ({@code mp4a}, {@code Opus})
 */
public record SourceInfo(String videoCodec, int width, int height, double fps, String audioCodec) {

    /** Larger than any picture an encoder sends (8K is 7680x4320), small enough to multiply safely. */
    public static final int MAX_DIMENSION = 16_384;
    public static final double MAX_FPS = 1000;
    /** A FourCC, a short codec name, or a number as classic FLV ids are written. */
    private static final Pattern CODEC = Pattern.compile("[A-Za-z0-9._-]{0,8}");
    /** Declared after the limits it is checked against. */
    public static final SourceInfo UNKNOWN = new SourceInfo("", 0, 0, 0, "");

    public SourceInfo {
        if (!isCodec(videoCodec) || !isCodec(audioCodec)) {
            throw new IllegalArgumentException("codec names must be up to 8 letters, digits, '.', '_' or '-': '"
                    + videoCodec + "', '" + audioCodec + "'");
        }
        if (!isDimension(width) || !isDimension(height)) {
            throw new IllegalArgumentException("picture size " + width + "x" + height + " outside 0.." + MAX_DIMENSION);
        }
        if (!isFrameRate(fps)) {
            throw new IllegalArgumentException("frame rate " + fps + " outside 0.." + MAX_FPS);
        }
    }

    /**
     * What a publisher said, each value kept only where it makes sense: a NaN or negative frame
     * rate, an absurd size or a codec name that is no name counts as not said.
     */
    public static SourceInfo said(String videoCodec, double width, double height, double fps, String audioCodec) {
        boolean sized = isDimension(width) && isDimension(height);
        return new SourceInfo(isCodec(videoCodec) ? videoCodec : "", sized ? (int) width : 0, sized ? (int) height : 0,
                isFrameRate(fps) ? fps : 0, isCodec(audioCodec) ? audioCodec : "");
    }

    /** The same, with the picture's size and rate where this one does not know them. */
    public SourceInfo orPicture(int seenWidth, int seenHeight, double seenFps) {
        boolean sized = width > 0 && height > 0;
        return said(videoCodec, sized ? width : seenWidth, sized ? height : seenHeight,
                fps > 0 ? fps : Math.round(seenFps * 100) / 100.0, audioCodec);
    }

    private static boolean isCodec(String name) {
        return name != null && CODEC.matcher(name).matches();
    }

    private static boolean isDimension(double pixels) {
        return pixels >= 0 && pixels <= MAX_DIMENSION && pixels == Math.rint(pixels);
    }

    private static boolean isFrameRate(double fps) {
        return fps >= 0 && fps <= MAX_FPS; // false for NaN
    }

    public JsonObject toJson() {
        return new JsonObject().put("videoCodec", videoCodec).put("width", width).put("height", height)
                .put("fps", fps).put("audioCodec", audioCodec);
    }

    /** @throws IllegalArgumentException or ClassCastException on an entry that is not one of ours */
    public static SourceInfo fromJson(JsonObject json) {
        return new SourceInfo(json.getString("videoCodec", ""), json.getInteger("width", 0),
                json.getInteger("height", 0), json.getDouble("fps", 0.0), json.getString("audioCodec", ""));
    }
}
