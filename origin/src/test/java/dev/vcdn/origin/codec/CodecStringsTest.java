package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecStringsTest {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void avcFromAvcC() {
        assertThat(CodecStrings.avc(hex("01 64 00 1f ff e1"))).isEqualTo("avc1.64001f");
        assertThat(CodecStrings.avc(hex("01 42 c0 1e ff e1"))).isEqualTo("avc1.42c01e");
    }

    @Test
    void aacFromAudioSpecificConfig() {
        assertThat(CodecStrings.aac(hex("11 90"))).as("AAC-LC 48 kHz stereo").isEqualTo("mp4a.40.2");
        assertThat(CodecStrings.aac(hex("2b 92 08 00"))).as("HE-AAC (SBR)").isEqualTo("mp4a.40.5");
        assertThat(CodecStrings.aac(hex("f8 e0 00"))).as("escape to 32 + 7").isEqualTo("mp4a.40.39");
    }

    @Test
    void av1FromAv1CAndFromLevels() {
        assertThat(CodecStrings.av1(hex("81 05 0c 00"))).isEqualTo("av01.0.05M.08");
        assertThat(CodecStrings.av1(hex("81 28 4c 00"))).as("profile 1, level 8, 10-bit").isEqualTo("av01.1.08M.10");
        assertThat(CodecStrings.av1Level(1920, 1080, 30)).isEqualTo("av01.0.08M.08");
        assertThat(CodecStrings.av1Level(854, 480, 30)).isEqualTo("av01.0.04M.08");
    }

    @Test
    void vp9Levels() {
        assertThat(CodecStrings.vp9(1280, 720, 30)).isEqualTo("vp09.00.31.08");
        assertThat(CodecStrings.vp9(1920, 1080, 30)).isEqualTo("vp09.00.40.08");
        assertThat(CodecStrings.vp9(640, 360, 30)).isEqualTo("vp09.00.21.08");
    }

    @Test
    void annexBBecomesLengthPrefixedAndAvcC() {
        byte[] sps = hex("67 64 00 1f ac d9");
        byte[] pps = hex("68 eb e3 cb");
        byte[] headers = hex("00 00 00 01 67 64 00 1f ac d9 00 00 01 68 eb e3 cb");
        assertThat(AnnexB.nalUnits(headers)).containsExactly(sps, pps);
        assertThat(AnnexB.avcDecoderConfiguration(headers)).isEqualTo(hex(
                "01 64 00 1f ff e1 0006 6764001facd9 01 0004 68ebe3cb"));
        assertThat(AnnexB.toLengthPrefixed(hex("00 00 00 01 65 88 84 00 00 01 41 9a")))
                .isEqualTo(hex("00000003 658884 00000002 419a"));
        assertThat(List.of(AnnexB.nalUnits(new byte[0]))).containsExactly(List.of());
    }
}
