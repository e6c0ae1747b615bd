package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpReorderBufferTest {

    private final List<Integer> delivered = new ArrayList<>();
    private final List<Integer> lost = new ArrayList<>();
    private final RtpReorderBuffer buffer = new RtpReorderBuffer(100, new RtpReorderBuffer.Output() {
        @Override
        public void packet(RtpPacket packet) {
            delivered.add(packet.sequence());
        }

        @Override
        public void lost(int count) {
            lost.add(count);
        }
    });

    @Test
    void putsPacketsBackInOrderAcrossTheSequenceWrapAndDropsDuplicates() {
        for (int sequence : new int[] {65534, 0, 65535, 1, 0, 65535, 2}) {
            buffer.add(packet(sequence), 0);
        }
        assertThat(delivered).containsExactly(65534, 65535, 0, 1, 2);
        assertThat(lost).isEmpty();
    }

    @Test
    void asksForAGapAgainAFewTimesThenGivesUpAfterTheDelay() {
        buffer.add(packet(10), 0);
        buffer.add(packet(13), 5);
        assertThat(delivered).containsExactly(10);
        assertThat(buffer.tick(10)).containsExactly(11, 12);
        assertThat(buffer.tick(20)).as("not again within 40 ms").isEmpty();
        assertThat(buffer.tick(50)).containsExactly(11, 12);
        buffer.add(packet(11), 60); // a retransmission fills part of the gap
        assertThat(delivered).containsExactly(10, 11);
        assertThat(buffer.tick(90)).containsExactly(12);
        assertThat(buffer.tick(140)).as("13 has waited 135 ms: 12 is given up").isEmpty();
        assertThat(delivered).containsExactly(10, 11, 13);
        assertThat(lost).containsExactly(1);
        assertThat(buffer.lostPackets()).isEqualTo(1);
        buffer.add(packet(12), 150);
        assertThat(delivered).as("too late").containsExactly(10, 11, 13);
    }

    @Test
    void aJumpBeyondTheBufferFlushesWhatItHeldAndCountsTheRest() {
        buffer.add(packet(100), 0);
        buffer.add(packet(102), 0);
        buffer.add(packet(100 + RtpReorderBuffer.CAPACITY + 50), 0);
        assertThat(delivered).containsExactly(100, 102, 100 + RtpReorderBuffer.CAPACITY + 50);
        assertThat(buffer.lostPackets()).isEqualTo(RtpReorderBuffer.CAPACITY + 48);
    }

    private static RtpPacket packet(int sequence) {
        byte[] bytes = ByteBuffer.allocate(13).put((byte) 0x80).put((byte) 96).putShort((short) sequence).putInt(0).putInt(1)
                .put((byte) 0).array();
        return RtpPacket.parse(bytes).orElseThrow();
    }
}
