package dev.vcdn.shared.media;

import java.util.Optional;

/**
 * The compressed formats that travel through the system. The four-character code is the one
 * enhanced RTMP and ISO BMFF sample entries use, so ingest can map what it reads directly.
 */
public enum Codec {
    H264(MediaKind.VIDEO, "avc1"),
    HEVC(MediaKind.VIDEO, "hvc1"),
    AV1(MediaKind.VIDEO, "av01"),
    VP9(MediaKind.VIDEO, "vp09"),
    AAC(MediaKind.AUDIO, "mp4a"),
    OPUS(MediaKind.AUDIO, "Opus");

    private final MediaKind kind;
    private final String fourCc;

    Codec(MediaKind kind, String fourCc) {
        this.kind = kind;
        this.fourCc = fourCc;
    }

    public MediaKind kind() {
        return kind;
    }

    public String fourCc() {
        return fourCc;
    }

    public static Optional<Codec> fromFourCc(String fourCc) {
        for (Codec codec : values()) {
            if (codec.fourCc.equals(fourCc)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }
}
