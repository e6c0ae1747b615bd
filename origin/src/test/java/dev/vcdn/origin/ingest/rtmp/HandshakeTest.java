package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    @Test
    void ffmpegSendsADigestC1AndGetsADigestS1() {
        byte[] c0c1 = SessionFixtures.FFMPEG.c0c1();
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, c0c1.length);
        assertThat(Handshake.findClientScheme(c1)).as("ffmpeg's C1 carries a valid Flash Player digest").isPresent();

        byte[] response = Handshake.respond(c0c1);
        assertThat(response).hasSize(1 + 2 * Handshake.PACKET_SIZE);
        assertThat(response[0]).isEqualTo((byte) Handshake.RTMP_VERSION);
        byte[] s1 = Arrays.copyOfRange(response, 1, 1 + Handshake.PACKET_SIZE);
        assertThat(Arrays.copyOfRange(s1, 4, 8)).as("a server version, so clients look for the digest").isNotEqualTo(new byte[4]);
        assertThat(Handshake.hasValidDigest(s1, Handshake.findClientScheme(c1).get(), Arrays.copyOf(Handshake.SERVER_KEY, 36)))
                .as("S1 digest keyed with the Flash Media Server key").isTrue();
        byte[] s2 = Arrays.copyOfRange(response, 1 + Handshake.PACKET_SIZE, response.length);
        assertThat(s2).as("S2 is signed, not an echo of C1").isNotEqualTo(c1);
    }

    @Test
    void aPlainC1GetsItsEchoInS2() {
        byte[] c0c1 = new byte[1 + Handshake.PACKET_SIZE];
        c0c1[0] = 3;
        for (int i = 9; i < c0c1.length; i++) {
            c0c1[i] = (byte) (i * 7);
        }
        byte[] response = Handshake.respond(c0c1);
        assertThat(Arrays.copyOfRange(response, 1 + Handshake.PACKET_SIZE, response.length))
                .isEqualTo(Arrays.copyOfRange(c0c1, 1, c0c1.length));
        assertThat(Arrays.copyOfRange(response, 5, 9)).as("zero version in a plain S1").isEqualTo(new byte[4]);
    }

    @Test
    void gstreamerHandshakeIsAnswered() {
        byte[] response = Handshake.respond(SessionFixtures.GSTREAMER.c0c1());
        assertThat(response).hasSize(1 + 2 * Handshake.PACKET_SIZE);
    }

    @Test
    void anythingButVersion3IsRefused() {
        byte[] http = new byte[1 + Handshake.PACKET_SIZE];
        http[0] = 'G';
        assertThatThrownBy(() -> Handshake.respond(http)).isInstanceOf(RtmpProtocolException.class)
                .hasMessage("not RTMP: version byte 0x47");
    }
}
