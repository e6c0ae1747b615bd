package dev.vcdn.origin.codec;

import java.util.Locale;

/**
 * The RFC 6381 codec strings HLS needs in CODECS, read from the decoder configurations
 * (ISO BMFF forms) the encoders produce.
 */
public final class CodecStrings {

    private CodecStrings() {
    }

    /** {@code avc1.PPCCLL} from an AVCDecoderConfigurationRecord (avcC). */
    public static String avc(byte[] avcC) {
        require(avcC, 4, "avcC");
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", avcC[1] & 0xFF, avcC[2] & 0xFF, avcC[3] & 0xFF);
    }

    /** {@code mp4a.40.N} from an AudioSpecificConfig, N being the audio object type (2 for AAC-LC). */
    public static String aac(byte[] audioSpecificConfig) {
        require(audioSpecificConfig, 2, "AudioSpecificConfig");
        int objectType = (audioSpecificConfig[0] & 0xFF) >>> 3;
        if (objectType == 31) {
            objectType = 32 + (((audioSpecificConfig[0] & 0x07) << 3) | ((audioSpecificConfig[1] & 0xE0) >>> 5));
        }
        return "mp4a.40." + objectType;
    }

    /** {@code av01.P.LLT.DD} from an AV1CodecConfigurationRecord (av1C). */
    public static String av1(byte[] av1C) {
        require(av1C, 4, "av1C");
        int profile = (av1C[1] & 0xFF) >>> 5;
        int level = av1C[1] & 0x1F;
        boolean highTier = (av1C[2] & 0x80) != 0;
        boolean highBitDepth = (av1C[2] & 0x40) != 0;
        boolean twelveBit = (av1C[2] & 0x20) != 0;
        int bitDepth = highBitDepth ? (twelveBit ? 12 : 10) : 8;
        return String.format(Locale.ROOT, "av01.%d.%02d%s.%02d", profile, level, highTier ? "H" : "M", bitDepth);
    }

    /**
     * {@code av01.0.LLM.08} for 8-bit main profile, main tier, the level from the picture size and
     * luma sample rate (AV1 specification, Annex A.3), for encoders that give no av1C.
     */
    public static String av1Level(int width, int height, double fps) {
        long pictureSize = (long) width * height;
        double sampleRate = pictureSize * fps;
        long[][] levels = {
            {0, 147_456, 4_423_680}, {1, 278_784, 8_363_520}, {4, 665_856, 19_975_680}, {5, 1_065_024, 31_950_720},
            {8, 2_359_296, 70_778_880}, {9, 2_359_296, 141_557_760}, {12, 8_912_896, 267_386_880},
            {13, 8_912_896, 534_773_760}, {14, 8_912_896, 1_069_547_520}, {15, 8_912_896, 1_069_547_520}};
        long level = 31;
        for (long[] candidate : levels) {
            if (pictureSize <= candidate[1] && sampleRate <= candidate[2]) {
                level = candidate[0];
                break;
            }
        }
        return String.format(Locale.ROOT, "av01.0.%02dM.08", level);
    }

    /**
     * {@code vp09.PP.LL.DD} for 8-bit 4:2:0 profile 0, the level from the picture size and
     * luma sample rate (VP9 bitstream specification, Annex A).
     */
    public static String vp9(int width, int height, double fps) {
        long pictureSize = (long) width * height;
        double sampleRate = pictureSize * fps;
        int[][] levels = {
            {10, 36_864, 829_440}, {11, 73_728, 2_764_800}, {20, 122_880, 4_608_000}, {21, 245_760, 9_216_000},
            {30, 552_960, 20_736_000}, {31, 983_040, 36_864_000}, {40, 2_228_224, 83_558_400},
            {41, 2_228_224, 160_432_128}, {50, 8_912_896, 311_951_360}, {51, 8_912_896, 588_251_136},
            {52, 8_912_896, 1_176_502_272}, {60, 35_651_584, 1_176_502_272}};
        int level = 62;
        for (int[] candidate : levels) {
            if (pictureSize <= candidate[1] && sampleRate <= candidate[2]) {
                level = candidate[0];
                break;
            }
        }
        return String.format(Locale.ROOT, "vp09.00.%02d.08", level);
    }

    private static void require(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length < length) {
            throw new IllegalArgumentException(what + " shorter than " + length + " bytes");
        }
    }
}
