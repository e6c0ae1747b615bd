package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A publisher's decoder configurations decide what the origin does with its stream (pass it
 * through, deinterlace, downmix): read from bytes the publisher chose, they are refused with
 * {@link IllegalArgumentException} or read into values within their fields' ranges.
 */
class CodecParsersFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void sequenceParameterSet(byte[] nal) {
        SequenceParameterSet sps;
        try {
            sps = SequenceParameterSet.parse(nal);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(sps.chromaFormat()).isBetween(0, 3);
        assertThat(sps.bitDepthLuma()).isBetween(8, 14);
        assertThat(sps.bitDepthChroma()).isBetween(8, 14);
        assertThat(sps.widthInMacroblocks()).isPositive();
        // The same bytes inside an avcC (one SPS, no PPS) read the same.
        byte[] avcC = new byte[8 + nal.length];
        avcC[0] = 1;
        avcC[5] = (byte) 0xE1;
        avcC[6] = (byte) (nal.length >>> 8);
        avcC[7] = (byte) nal.length;
        System.arraycopy(nal, 0, avcC, 8, nal.length);
        if (nal.length <= 0xFFFF) {
            assertThat(SequenceParameterSet.fromAvcC(avcC)).isEqualTo(sps);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void audioSpecificConfig(byte[] config) {
        int rate;
        int channels;
        try {
            rate = AudioSpecificConfig.sampleRate(config);
            channels = AudioSpecificConfig.channels(config);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(rate).isBetween(0, (1 << 24) - 1);
        assertThat(channels).isBetween(1, 15);
        assertThat(CodecStrings.aac(config)).startsWith("mp4a.40.");
    }
}
