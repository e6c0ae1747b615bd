package dev.vcdn.shared.media;

import java.util.Objects;

/**
 * The one media unit every ingest protocol hands to the pipeline, whatever it arrived in.
 *
 * <p>A {@link Type#CONFIG} packet carries the decoder configuration in its ISO BMFF form
 * ({@code avcC}/AVCDecoderConfigurationRecord, {@code hvcC}, {@code av1C}, {@code vpcC},
 * AudioSpecificConfig, OpusHead) and is sent before the first frame and again whenever it
 * changes. A {@link Type#FRAME} packet carries one access unit in ISO BMFF sample form
 * (length-prefixed NAL units for H.264/HEVC, OBUs for AV1, a raw frame for AAC/Opus).
 *
 * @param codec     what the bytes are
 * @param type      configuration or frame
 * @param dts       decode timestamp in {@code timeBase}
 * @param pts       presentation timestamp in {@code timeBase}
 * @param timeBase  unit of both timestamps
 * @param keyframe  the frame can be decoded without earlier frames (always false for CONFIG)
 * @param payload   the bytes, shared and immutable
 */
public record MediaPacket(Codec codec, Type type, long dts, long pts, TimeBase timeBase, boolean keyframe,
                          Payload payload) {

    public enum Type {
        CONFIG,
        FRAME
    }

    public MediaPacket {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timeBase, "timeBase");
        Objects.requireNonNull(payload, "payload");
        if (payload.size() == 0) {
            throw new IllegalArgumentException("empty " + type + " payload for " + codec);
        }
        if (type == Type.CONFIG && keyframe) {
            throw new IllegalArgumentException("a CONFIG packet is not a keyframe");
        }
    }

    public static MediaPacket config(Codec codec, long dts, TimeBase timeBase, Payload payload) {
        return new MediaPacket(codec, Type.CONFIG, dts, dts, timeBase, false, payload);
    }

    public static MediaPacket frame(Codec codec, long dts, long pts, TimeBase timeBase, boolean keyframe,
                                    Payload payload) {
        return new MediaPacket(codec, Type.FRAME, dts, pts, timeBase, keyframe, payload);
    }

    public MediaKind kind() {
        return codec.kind();
    }

    public boolean isConfig() {
        return type == Type.CONFIG;
    }

    /** Presentation minus decode time, in {@code timeBase} (B-frame reordering delay). */
    public long compositionOffset() {
        return pts - dts;
    }
}
