package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xe0, 0x1f, 1, 2, 3};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
    private final List<H264Depacketizer.AccessUnit> units = new ArrayList<>();
    private final H264Depacketizer depacketizer = new H264Depacketizer(units::add);
    private int sequence;

    @Test
    void joinsStapAAndFuAIntoOneAccessUnitPerTimestamp() {
        byte[] idr = nal(0x65, 3000);
        depacketizer.packet(stapA(1000, SPS, PPS));
        fragments(1000, idr, 1200).forEach(depacketizer::packet);
        depacketizer.packet(single(4000, nal(0x41, 500), true));
        assertThat(units).hasSize(2);
        assertThat(units.get(0).keyframe()).isTrue();
        assertThat(units.get(0).nalUnits()).containsExactly(SPS, PPS, idr);
        assertThat(units.get(0).rtpTimestamp()).isEqualTo(1000);
        assertThat(units.get(1).nalUnits()).hasSize(1);
        assertThat(depacketizer.needsKeyframe()).isFalse();
    }

    @Test
    void nothingBeforeTheFirstKeyframeAndNothingAfterALossUntilTheNext() {
        depacketizer.packet(single(1000, nal(0x41, 100), true));
        assertThat(units).as("a delta frame first cannot be decoded").isEmpty();
        assertThat(depacketizer.needsKeyframe()).isTrue();
        depacketizer.packet(stapA(2000, SPS, PPS));
        depacketizer.packet(single(2000, nal(0x65, 100), true));
        List<RtpPacket> pieces = fragments(3000, nal(0x41, 3000), 1000);
        depacketizer.packet(pieces.get(0));
        depacketizer.lost(); // the middle piece never came
        depacketizer.packet(pieces.get(2));
        depacketizer.packet(single(4000, nal(0x41, 100), true));
        assertThat(units).hasSize(1);
        assertThat(depacketizer.needsKeyframe()).isTrue();
        assertThat(depacketizer.droppedAccessUnits()).isEqualTo(3);
        depacketizer.packet(single(5000, nal(0x65, 100), true));
        assertThat(units).hasSize(2);
        assertThat(depacketizer.needsKeyframe()).isFalse();
    }

    @Test
    void aMissingMarkerEndsTheUnitAtTheNextTimestampAndBadPayloadsAreDropped() {
        depacketizer.packet(stapA(1000, SPS, PPS));
        depacketizer.packet(single(1000, nal(0x65, 10), false));
        depacketizer.packet(single(2000, nal(0x41, 10), true));
        assertThat(units).hasSize(2);
        depacketizer.packet(single(3000, new byte[] {0x18, 0x00, 0x7F, 1}, true)); // STAP-A whose size runs past the end
        depacketizer.packet(single(4000, new byte[] {0x1A, 1, 2}, true)); // MTAP: not in packetization-mode 1
        depacketizer.packet(single(5000, new byte[] {0x1C}, true)); // FU-A without its header
        assertThat(units).hasSize(2);
        assertThat(depacketizer.droppedAccessUnits()).isEqualTo(3);
    }

    @Test
    void anAccessUnitBeyondTheLimitIsDroppedNotGrown() {
        depacketizer.packet(stapA(1000, SPS, PPS));
        byte[] huge = nal(0x65, H264Depacketizer.MAX_ACCESS_UNIT_BYTES + 10);
        fragments(1000, huge, 1200).forEach(depacketizer::packet);
        assertThat(units).isEmpty();
        assertThat(depacketizer.needsKeyframe()).isTrue();
    }

    private static byte[] nal(int header, int length) {
        byte[] unit = new byte[length];
        unit[0] = (byte) header;
        for (int i = 1; i < length; i++) {
            unit[i] = (byte) (i * 7);
        }
        return unit;
    }

    private RtpPacket single(long timestamp, byte[] payload, boolean marker) {
        byte[] packet = ByteBuffer.allocate(12 + payload.length).put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | 102))
                .putShort((short) sequence++).putInt((int) timestamp).putInt(1).put(payload).array();
        return RtpPacket.parse(packet).orElseThrow();
    }

    private RtpPacket stapA(long timestamp, byte[]... nals) {
        ByteBuffer payload = ByteBuffer.allocate(1 + java.util.Arrays.stream(nals).mapToInt(n -> n.length + 2).sum());
        payload.put((byte) 0x18);
        for (byte[] unit : nals) {
            payload.putShort((short) unit.length).put(unit);
        }
        return single(timestamp, payload.array(), false);
    }

    private List<RtpPacket> fragments(long timestamp, byte[] unit, int size) {
        List<RtpPacket> packets = new ArrayList<>();
        for (int at = 1; at < unit.length; at += size) {
            int length = Math.min(size, unit.length - at);
            boolean first = at == 1;
            boolean last = at + length >= unit.length;
            byte[] payload = new byte[2 + length];
            payload[0] = (byte) ((unit[0] & 0xE0) | 28);
            payload[1] = (byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | (unit[0] & 0x1F));
            System.arraycopy(unit, at, payload, 2, length);
            packets.add(single(timestamp, payload, last));
        }
        return packets;
    }
}
