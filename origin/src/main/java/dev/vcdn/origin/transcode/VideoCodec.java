package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.Codec;

/** The codecs the ladder encodes, with the FFmpeg encoder each uses and its name in channel features. */
public enum VideoCodec {
    H264("h264", "libx264", Codec.H264),
    AV1("av1", "libsvtav1", Codec.AV1),
    VP9("vp9", "libvpx-vp9", Codec.VP9);

    private final String featureName;
    private final String encoder;
    private final Codec codec;

    VideoCodec(String featureName, String encoder, Codec codec) {
        this.featureName = featureName;
        this.encoder = encoder;
        this.codec = codec;
    }

    public String featureName() {
        return featureName;
    }

    public String encoder() {
        return encoder;
    }

    public Codec codec() {
        return codec;
    }
}
