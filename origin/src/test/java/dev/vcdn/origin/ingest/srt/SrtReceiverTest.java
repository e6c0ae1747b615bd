package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrtReceiverTest {

    private static final long LATENCY = 120_000;

    private final List<Buffer> sent = new ArrayList<>();
    private final List<Integer> delivered = new ArrayList<>();

    private static Buffer data(int sequence) {
        return Buffer.buffer().appendInt(sequence).appendInt(0xC0000000).appendInt(0).appendInt(99).appendInt(sequence);
    }

    private void deliver(SrtReceiver receiver, long now) {
        receiver.deliver(now, payload -> delivered.add(Buffer.buffer(payload).getInt(0)));
    }

    private List<Buffer> sentOfType(int type) {
        return sent.stream().filter(p -> SrtPacket.isControl(p) && SrtPacket.controlType(p) == type).toList();
    }

    @Test
    void deliversInOrderAndAsksForWhatIsMissing() {
        SrtReceiver receiver = new SrtReceiver(100, 99, LATENCY, sent::add);
        receiver.data(data(100), 0);
        receiver.data(data(101), 10);
        receiver.data(data(104), 20);
        deliver(receiver, 20);
        assertThat(delivered).containsExactly(100, 101);
        Buffer nak = sentOfType(SrtPacket.NAK).get(0);
        assertThat(nak.getInt(SrtPacket.HEADER)).as("range start, high bit set").isEqualTo(102 | 0x80000000);
        assertThat(nak.getInt(SrtPacket.HEADER + 4)).isEqualTo(103);

        receiver.data(data(103), 30);
        receiver.data(data(102), 40);
        deliver(receiver, 40);
        assertThat(delivered).containsExactly(100, 101, 102, 103, 104);
        assertThat(receiver.lostPackets()).isEqualTo(2);
        assertThat(receiver.droppedPackets()).isZero();
    }

    @Test
    void acknowledgesEveryIntervalUntilTheSenderConfirms() {
        SrtReceiver receiver = new SrtReceiver(0, 99, LATENCY, sent::add);
        receiver.data(data(0), 0);
        receiver.data(data(1), 0);
        receiver.tick(10_000);
        receiver.tick(20_000);
        List<Buffer> acks = sentOfType(SrtPacket.ACK);
        assertThat(acks).hasSize(2);
        assertThat(acks.get(0).getInt(SrtPacket.HEADER)).as("next expected").isEqualTo(2);
        receiver.ackAck(SrtPacket.typeSpecific(acks.get(1)), 21_000);
        receiver.tick(30_000);
        receiver.tick(40_000);
        assertThat(sentOfType(SrtPacket.ACK)).as("confirmed: no more until something new").hasSize(2);
    }

    @Test
    void givesUpOnAGapOlderThanTheLatency() {
        SrtReceiver receiver = new SrtReceiver(0, 99, LATENCY, sent::add);
        receiver.data(data(0), 0);
        receiver.data(data(2), 1_000);
        deliver(receiver, 100_000);
        assertThat(delivered).containsExactly(0);
        deliver(receiver, 1_000 + LATENCY);
        assertThat(delivered).containsExactly(0, 2);
        assertThat(receiver.droppedPackets()).isEqualTo(1);
        receiver.data(data(1), 200_000);
        deliver(receiver, 200_000);
        assertThat(delivered).as("too late: not handed on out of order").containsExactly(0, 2);
    }

    @Test
    void keepsWhatTheConsumerCannotTakeYetAndIgnoresPacketsOutsideTheWindow() {
        SrtReceiver receiver = new SrtReceiver(0, 99, LATENCY, sent::add);
        receiver.data(data(0), 0);
        receiver.data(data(1), 0);
        receiver.data(data(SrtReceiver.CAPACITY + 5), 0);
        receiver.deliver(0, payload -> false);
        assertThat(delivered).isEmpty();
        deliver(receiver, 0);
        assertThat(delivered).containsExactly(0, 1);
        assertThat(sentOfType(SrtPacket.NAK)).as("nothing asked beyond the window").isEmpty();
    }

    @Test
    void sequenceNumbersWrapAt31Bits() {
        int last = SrtPacket.MAX_SEQUENCE;
        SrtReceiver receiver = new SrtReceiver(last - 1, 99, LATENCY, sent::add);
        receiver.data(data(last - 1), 0);
        receiver.data(data(last), 0);
        receiver.data(data(0), 0);
        receiver.data(data(1), 0);
        deliver(receiver, 0);
        assertThat(delivered).containsExactly(last - 1, last, 0, 1);
        assertThat(SrtPacket.distance(1, last)).isEqualTo(2);
        assertThat(SrtPacket.distance(last, 1)).isEqualTo(-2);
    }
}
