package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02, (byte) 0x80};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    private static byte[] stream(byte[]... units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    @Test
    void buildsTheDecoderConfigurationFromSpsAndPps() {
        byte[] avcc = AnnexB.avcDecoderConfiguration(stream(SPS, PPS));
        assertThat(avcc).startsWith(1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, SPS.length);
        assertThat(avcc.length).isEqualTo(6 + 2 + SPS.length + 1 + 2 + PPS.length);
    }

    /** Found by fuzzing (WebRtcParsersFuzzTest#h264Track): two start codes in a row made an empty unit, read at [0]. */
    @Test
    void skipsEmptyUnitsBetweenStartCodes() {
        byte[] withEmpty = new byte[] {0, 0, 1, 0, 0, 1};
        byte[] headers = new byte[withEmpty.length + stream(SPS, PPS).length];
        System.arraycopy(withEmpty, 0, headers, 0, withEmpty.length);
        System.arraycopy(stream(SPS, PPS), 0, headers, withEmpty.length, stream(SPS, PPS).length);
        assertThat(AnnexB.avcDecoderConfiguration(headers)).startsWith(1, 0x42);
        assertThatThrownBy(() -> AnnexB.avcDecoderConfiguration(withEmpty)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMoreParameterSetsThanTheRecordCounts() {
        byte[][] units = new byte[33][];
        for (int i = 0; i < 32; i++) {
            units[i] = SPS;
        }
        units[32] = PPS;
        assertThatThrownBy(() -> AnnexB.avcDecoderConfiguration(stream(units))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 SPS");
        byte[] huge = new byte[70_000];
        huge[0] = 0x68;
        Arrays.fill(huge, 1, huge.length, (byte) 0x55);
        assertThatThrownBy(() -> AnnexB.avcDecoderConfiguration(stream(SPS, huge))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000 bytes");
    }
}
