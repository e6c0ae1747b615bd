package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class StunMessageTest {

    /** RFC 5769 section 2.1: a binding request with USERNAME "evtj:h6vY", keyed by "VOkJxbRl1RmTxUk/WvJxBt". */
    private static final byte[] RFC_5769_REQUEST = HexFormat.of().parseHex(
            "000100582112a442b7e7a701bc34d686fa87dfae"
                    + "802200105354554e207465737420636c69656e74"
                    + "002400046e0001ff"
                    + "80290008932ff9b151263b36"
                    + "000600096576746a3a68367659202020"
                    + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
                    + "80280004e57a3bcf");
    private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    @Test
    void readsTheRfc5769RequestAndChecksItsIntegrity() {
        StunMessage request = StunMessage.parseBindingRequest(RFC_5769_REQUEST, RFC_5769_REQUEST.length).orElseThrow();
        assertThat(request.username()).isEqualTo("evtj:h6vY");
        assertThat(request.localUfrag()).isEqualTo("evtj");
        assertThat(request.useCandidate()).isFalse();
        assertThat(request.integrityMatches(RFC_5769_REQUEST, PASSWORD)).isTrue();
        assertThat(request.integrityMatches(RFC_5769_REQUEST, "another password")).isFalse();
    }

    @Test
    void aTamperedRequestFailsItsIntegrity() {
        byte[] tampered = RFC_5769_REQUEST.clone();
        tampered[25] ^= 1; // inside SOFTWARE
        StunMessage request = StunMessage.parseBindingRequest(tampered, tampered.length).orElseThrow();
        assertThat(request.integrityMatches(tampered, PASSWORD)).isFalse();
    }

    @Test
    void theSuccessResponseCarriesTheXoredAddressIntegrityAndFingerprint() {
        StunMessage request = StunMessage.parseBindingRequest(RFC_5769_REQUEST, RFC_5769_REQUEST.length).orElseThrow();
        byte[] response = request.successResponse(new InetSocketAddress("192.0.2.1", 32853), PASSWORD);
        ByteBuffer in = ByteBuffer.wrap(response);
        assertThat(in.getShort()).isEqualTo((short) 0x0101);
        assertThat(in.getShort() & 0xFFFF).isEqualTo(response.length - 20);
        assertThat(in.getInt()).isEqualTo(StunMessage.MAGIC_COOKIE);
        assertThat(Arrays.copyOfRange(response, 8, 20)).isEqualTo(Arrays.copyOfRange(RFC_5769_REQUEST, 8, 20));
        // XOR-MAPPED-ADDRESS as RFC 5769 section 2.2 gives it for 192.0.2.1:32853
        assertThat(Arrays.copyOfRange(response, 20, 32)).isEqualTo(HexFormat.of().parseHex("002000080001a147e112a643"));
        // MESSAGE-INTEGRITY over the message up to it, its length counting up to its own end
        byte[] signed = Arrays.copyOf(response, 32);
        signed[3] = (byte) (32 + 24 - 20);
        byte[] expected = hmacSha1(PASSWORD, signed);
        assertThat(Arrays.copyOfRange(response, 36, 56)).isEqualTo(expected);
        // FINGERPRINT: CRC-32 of everything before it, XOR 0x5354554e
        CRC32 crc = new CRC32();
        crc.update(response, 0, response.length - 8);
        assertThat(ByteBuffer.wrap(response, response.length - 4, 4).getInt()).isEqualTo((int) crc.getValue() ^ 0x5354554E);
    }

    @Test
    void refusesWhatIsNotAnAuthenticatedBindingRequest() {
        byte[] response = RFC_5769_REQUEST.clone();
        response[1] = 0x11; // a binding indication
        assertThat(StunMessage.parseBindingRequest(response, response.length)).isEmpty();
        assertThat(StunMessage.parseBindingRequest(RFC_5769_REQUEST, RFC_5769_REQUEST.length - 4)).as("cut short").isEmpty();
        byte[] lying = RFC_5769_REQUEST.clone();
        lying[3] = (byte) 0xF0; // body length beyond the datagram
        assertThat(StunMessage.parseBindingRequest(lying, lying.length)).isEmpty();
        byte[] attributeOverrun = RFC_5769_REQUEST.clone();
        attributeOverrun[22] = (byte) 0xFF; // SOFTWARE's length runs past the end
        assertThat(StunMessage.parseBindingRequest(attributeOverrun, attributeOverrun.length)).isEmpty();
        assertThat(StunMessage.parseBindingRequest(new byte[19], 19)).isEmpty();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] noise = new byte[20 + random.nextInt(200)];
            random.nextBytes(noise);
            noise[0] = 0;
            StunMessage.parseBindingRequest(noise, noise.length); // never throws
        }
    }

    private static byte[] hmacSha1(String key, byte[] data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
