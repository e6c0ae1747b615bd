package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.webrtc.SrtpContext.SrtpException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SrtpContextTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");

    @Test
    void derivesTheSessionKeysOfRfc3711AppendixB3() throws Exception {
        assertThat(HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 0, 16))).isEqualTo("c61e7a93744f39ee10734afe3ff7a087");
        assertThat(HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 2, 14))).isEqualTo("30cbbc08863d8c85d49db34a9ae1");
        assertThat(HEX.formatHex(SrtpContext.derive(MASTER_KEY, MASTER_SALT, 1, 20)))
                .isEqualTo("cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    }

    @Test
    void whatTheSenderProtectsTheReceiverGetsBackAcrossASequenceWrap() throws Exception {
        SrtpContext sender = new SrtpContext(MASTER_KEY, MASTER_SALT);
        SrtpContext receiver = new SrtpContext(MASTER_KEY, MASTER_SALT);
        int roc = 0;
        for (int sequence = 65530; sequence < 65530 + 12; sequence++) {
            if ((sequence & 0xFFFF) == 0) {
                roc++;
            }
            byte[] plain = rtp(sequence & 0xFFFF, "payload " + sequence);
            byte[] protectedPacket = sender.protectRtp(plain, roc);
            assertThat(Arrays.copyOfRange(protectedPacket, 12, plain.length)).as("encrypted")
                    .isNotEqualTo(Arrays.copyOfRange(plain, 12, plain.length));
            assertThat(receiver.unprotectRtp(protectedPacket, protectedPacket.length)).isEqualTo(plain);
        }
    }

    @Test
    void refusesTamperedReplayedAndForeignPackets() throws Exception {
        SrtpContext sender = new SrtpContext(MASTER_KEY, MASTER_SALT);
        SrtpContext receiver = new SrtpContext(MASTER_KEY, MASTER_SALT);
        byte[] packet = sender.protectRtp(rtp(100, "hello"), 0);
        byte[] tampered = packet.clone();
        tampered[14] ^= 1;
        assertThatThrownBy(() -> receiver.unprotectRtp(tampered, tampered.length)).isInstanceOf(SrtpException.class);
        assertThat(receiver.unprotectRtp(packet, packet.length)).isEqualTo(rtp(100, "hello"));
        assertThatThrownBy(() -> receiver.unprotectRtp(packet, packet.length)).as("replayed")
                .isInstanceOf(SrtpException.class);
        byte[] otherKey = new SrtpContext(HEX.parseHex("00112233445566778899aabbccddeeff"), MASTER_SALT).protectRtp(rtp(101, "x"), 0);
        assertThatThrownBy(() -> receiver.unprotectRtp(otherKey, otherKey.length)).isInstanceOf(SrtpException.class);
        assertThatThrownBy(() -> receiver.unprotectRtp(new byte[15], 15)).isInstanceOf(SrtpException.class);
        byte[] late = sender.protectRtp(rtp(99, "reordered"), 0);
        assertThat(receiver.unprotectRtp(late, late.length)).as("out of order but new").isEqualTo(rtp(99, "reordered"));
    }

    @Test
    void rtcpRoundTripsEncryptedWithItsIndex() throws Exception {
        SrtpContext ours = new SrtpContext(MASTER_KEY, MASTER_SALT);
        SrtpContext theirs = new SrtpContext(MASTER_KEY, MASTER_SALT);
        byte[] pli = Rtcp.pictureLoss(0x11223344L, 0x55667788L);
        byte[] nack = Rtcp.nack(0x11223344L, 0x55667788L, java.util.List.of(10, 11, 13));
        byte[] first = ours.protectRtcp(pli);
        byte[] second = ours.protectRtcp(nack);
        assertThat(ByteBuffer.wrap(second, nack.length, 4).getInt()).as("E flag and index 1").isEqualTo(0x80000001);
        assertThat(theirs.unprotectRtcp(first, first.length)).isEqualTo(pli);
        assertThat(theirs.unprotectRtcp(second, second.length)).isEqualTo(nack);
        second[9] ^= 1;
        assertThatThrownBy(() -> theirs.unprotectRtcp(second, second.length)).isInstanceOf(SrtpException.class);
    }

    @Test
    void splitsTheDtlsExporterOutputAsRfc5764Orders() {
        byte[] material = new byte[60];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        SrtpKeys keys = SrtpKeys.fromExported(material);
        assertThat(keys.clientKey()).isEqualTo(Arrays.copyOfRange(material, 0, 16));
        assertThat(keys.serverKey()).isEqualTo(Arrays.copyOfRange(material, 16, 32));
        assertThat(keys.clientSalt()).isEqualTo(Arrays.copyOfRange(material, 32, 46));
        assertThat(keys.serverSalt()).isEqualTo(Arrays.copyOfRange(material, 46, 60));
    }

    static byte[] rtp(int sequence, String payload) {
        byte[] body = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(12 + body.length).put((byte) 0x80).put((byte) 96).putShort((short) sequence)
                .putInt(sequence * 3000).putInt(0xCAFEBABE).put(body).array();
    }
}
