package dev.vcdn.origin.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a channel may use, as the auth server says on publish.
 *
 * @param renditions     ladder rungs the channel may get (the transcoder keeps those below the source)
 * @param codecs         video codecs of the ladder: always {@code h264}, plus {@code av1} / {@code vp9}
 * @param maxBitrateKbps the most any rung sends viewers: a source above it is re-encoded, not passed through, and no
 *                       encoded rung goes above it
 * @param lowLatency     the low-latency LL-HLS profile (shorter parts)
 * @param recording      keep a recording of the stream
 */
public record ChannelFeatures(List<String> renditions, List<String> codecs, int maxBitrateKbps, boolean lowLatency,
                              boolean recording) {

    public static final List<String> DEFAULT_RENDITIONS = List.of("source", "1080p", "720p", "480p", "360p", "160p");
    public static final Set<String> KNOWN_CODECS = Set.of("h264", "av1", "vp9");
    public static final int DEFAULT_MAX_BITRATE_KBPS = 12_000;

    public ChannelFeatures {
        renditions = List.copyOf(renditions);
        codecs = List.copyOf(codecs);
        if (!codecs.contains("h264")) {
            throw new IllegalArgumentException("every channel gets h264, got " + codecs);
        }
        for (String codec : codecs) {
            if (!KNOWN_CODECS.contains(codec)) {
                throw new IllegalArgumentException("unknown codec '" + codec + "'");
            }
        }
        if (maxBitrateKbps < 100 || maxBitrateKbps > 200_000) {
            throw new IllegalArgumentException("maxBitrateKbps " + maxBitrateKbps + " outside 100..200000");
        }
    }

    /** The default: an H.264 ladder, normal latency, no recording. */
    public static ChannelFeatures standard() {
        return of(false, false, false, false);
    }

    public static ChannelFeatures of(boolean av1, boolean vp9, boolean lowLatency, boolean recording) {
        List<String> codecs = new ArrayList<>(List.of("h264"));
        if (av1) {
            codecs.add("av1");
        }
        if (vp9) {
            codecs.add("vp9");
        }
        return new ChannelFeatures(DEFAULT_RENDITIONS, codecs, DEFAULT_MAX_BITRATE_KBPS, lowLatency, recording);
    }

    /**
     * The same features with a ladder limited to {@code allowed}, for the admin API: known rung
     * names only ({@link #DEFAULT_RENDITIONS}), each once, at least one.
     *
     * @throws IllegalArgumentException otherwise
     */
    public ChannelFeatures withRenditions(List<String> allowed) {
        if (allowed.isEmpty() || allowed.size() != Set.copyOf(allowed).size() || !DEFAULT_RENDITIONS.containsAll(allowed)) {
            throw new IllegalArgumentException("renditions must be distinct names out of " + DEFAULT_RENDITIONS + ", got " + allowed);
        }
        return new ChannelFeatures(allowed, codecs, maxBitrateKbps, lowLatency, recording);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("renditions", new JsonArray(renditions))
                .put("codecs", new JsonArray(codecs))
                .put("maxBitrateKbps", maxBitrateKbps)
                .put("lowLatency", lowLatency)
                .put("recording", recording);
    }

    /** @throws IllegalArgumentException (or ClassCastException) on a malformed object */
    public static ChannelFeatures fromJson(JsonObject json) {
        return new ChannelFeatures(
                strings(json.getJsonArray("renditions", new JsonArray(DEFAULT_RENDITIONS))),
                strings(json.getJsonArray("codecs", new JsonArray(List.of("h264")))),
                json.getInteger("maxBitrateKbps", DEFAULT_MAX_BITRATE_KBPS),
                json.getBoolean("lowLatency", false),
                json.getBoolean("recording", false));
    }

    private static List<String> strings(JsonArray array) {
        if (array.size() > 32) {
            throw new IllegalArgumentException("more than 32 entries");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            values.add(array.getString(i));
        }
        return values;
    }
}
