package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sequence parameter sets x264 writes, progressive, interlaced and 4:4:4, and what is not one. */
class SequenceParameterSetTest {

    @TempDir
    Path directory;

    private static byte[] avcC(Path flv) throws Exception {
        return FlvFile.packets(flv).stream().filter(p -> p.codec() == Codec.H264 && p.isConfig()).findFirst()
                .map(MediaPacket::payload).orElseThrow().toByteArray();
    }

    @Test
    void aProgressiveSourceCodesFramesOnly() throws Exception {
        SequenceParameterSet sps = SequenceParameterSet.fromAvcC(avcC(TestSources.flv(directory, "p", "320x180", 25, 50, 1)));
        assertThat(sps.frameMbsOnly()).isTrue();
        assertThat(sps.chromaFormat()).isEqualTo(1);
        assertThat(sps.bitDepthLuma()).isEqualTo(8);
        assertThat(sps.widthInMacroblocks()).isEqualTo(20);
    }

    @Test
    void anInterlacedSourceMayCodeFields() throws Exception {
        SequenceParameterSet sps = SequenceParameterSet.fromAvcC(avcC(TestSources.interlacedFlv(directory, "i", 1)));
        assertThat(sps.frameMbsOnly()).isFalse();
        assertThat(sps.widthInMacroblocks()).isEqualTo(80);
    }

    @Test
    void fourFourFourIsReadPastItsChromaFormat() throws Exception {
        SequenceParameterSet sps = SequenceParameterSet.fromAvcC(avcC(TestSources.flv(directory, "f", "320x180", 25, 50, 1,
                "aac", 0, "yuv444p")));
        assertThat(sps.profileIdc()).isEqualTo(244);
        assertThat(sps.chromaFormat()).isEqualTo(3);
        assertThat(sps.frameMbsOnly()).isTrue();
    }

    @Test
    void cutOrDamagedOnesAreRefusedWithOurException() throws Exception {
        byte[] avcC = avcC(TestSources.flv(directory, "d", "320x180", 25, 50, 1));
        int spsLength = ((avcC[6] & 0xFF) << 8) | (avcC[7] & 0xFF);
        byte[] nal = Arrays.copyOfRange(avcC, 8, 8 + spsLength);
        assertThatThrownBy(() -> SequenceParameterSet.parse(Arrays.copyOf(nal, 5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceParameterSet.fromAvcC(Arrays.copyOf(avcC, 7))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceParameterSet.parse(new byte[] {0x67, 100, 0, 31, 0, 0, 0, 0, 0, 0}))
                .as("an exp-Golomb code of more than 32 bits").isInstanceOf(IllegalArgumentException.class);
        // Found by the fuzzer: pic_width_in_mbs_minus1 of 2^31 - 1 wrapped the width negative and was taken.
        assertThatThrownBy(() -> SequenceParameterSet.parse(new byte[] {0x67, 0, (byte) 0xfc, 0, 3, (byte) 0xbe, (byte) 0x89, 0, 0, 3,
            0, 1, 0, 0, 0, 0, 3, (byte) 0x80, 0, 3})).isInstanceOf(IllegalArgumentException.class);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] damaged = nal.clone();
            damaged[1 + random.nextInt(damaged.length - 1)] = (byte) random.nextInt(256);
            try {
                SequenceParameterSet.parse(damaged);
            } catch (IllegalArgumentException refused) {
                // ours: the only way to say no
            }
        }
    }
}
