package dev.vcdn.origin.ingest.srt;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The receiving half of one SRT connection in live mode: a window of {@link #CAPACITY} packets
 * by sequence number, losses reported at once and again every NAK interval (the periodic-NAK
 * mode we agree on), a full ACK every 10 ms with the RTT measured by the sender's ACKACK, and
 * in-order delivery. A gap that no retransmission filled within the latency is skipped (too-late
 * packet drop, as TSBPD would). While the consumer cannot take more, packets stay in the window
 * and the ACKs advertise less room, which makes the sender slow down.
 *
 * <p>Not thread-safe: driven by the listener's event loop. Times in microseconds.
 */
final class SrtReceiver {

    static final int CAPACITY = 8192;
    private static final long ACK_INTERVAL = 10_000;
    private static final long MIN_NAK_INTERVAL = 20_000;
    private static final int MAX_NAK_WORDS = 350;
    private static final int ACK_HISTORY = 64;

    private final int peerSocket;
    private final long latencyMicros;
    private final Consumer<Buffer> send;
    private final byte[][] slots = new byte[CAPACITY][];
    private final long[] arrivals = new long[CAPACITY];
    private final ArrayDeque<long[]> sentAcks = new ArrayDeque<>();
    /** The next sequence number to hand on. */
    private int deliverFrom;
    /** One past the highest sequence number received. */
    private int receivedUpTo;
    private int lastAcked;
    /** The last acknowledgement the sender confirmed with an ACKACK. */
    private int confirmedAck = -1;
    private int ackNumber;
    private long lastAckAt;
    private long lastNakAt;
    private long rtt = 100_000;
    private long rttVariance = 50_000;
    private long packetsInWindow;
    private long bytesInWindow;
    private long windowStart;
    private int packetsPerSecond;
    private int bytesPerSecond;
    private long lost;
    private long dropped;
    private long received;

    SrtReceiver(int initialSequence, int peerSocket, long latencyMicros, Consumer<Buffer> send) {
        this.peerSocket = peerSocket;
        this.latencyMicros = latencyMicros;
        this.send = send;
        this.deliverFrom = initialSequence;
        this.receivedUpTo = initialSequence;
        this.lastAcked = initialSequence;
    }

    long lostPackets() {
        return lost;
    }

    long droppedPackets() {
        return dropped;
    }

    long receivedPackets() {
        return received;
    }

    /** A data packet (header included). */
    void data(Buffer packet, long now) {
        int sequence = SrtPacket.sequence(packet);
        int ahead = SrtPacket.distance(sequence, deliverFrom);
        if (ahead < 0 || ahead >= CAPACITY) {
            return; // already handed on, or beyond the window we advertised
        }
        int slot = sequence & (CAPACITY - 1);
        if (slots[slot] != null) {
            return; // a retransmission of what we have
        }
        slots[slot] = packet.getBytes(SrtPacket.HEADER, packet.length());
        arrivals[slot] = now;
        received++;
        packetsInWindow++;
        bytesInWindow += packet.length();
        int gap = SrtPacket.distance(sequence, receivedUpTo);
        if (gap > 0) {
            lost += gap;
            nak(List.of(new int[] {receivedUpTo, SrtPacket.next(sequence, -1)}), now);
        }
        if (gap >= 0) {
            receivedUpTo = SrtPacket.next(sequence, 1);
        }
    }

    /**
     * Hands on the payloads that are in order (skipping gaps older than the latency) while
     * {@code consumer} takes them; stops at the first it refuses.
     */
    void deliver(long now, PayloadConsumer consumer) {
        while (SrtPacket.distance(receivedUpTo, deliverFrom) > 0) {
            int slot = deliverFrom & (CAPACITY - 1);
            byte[] payload = slots[slot];
            if (payload == null) {
                if (!skipExpiredGap(now)) {
                    return;
                }
                continue;
            }
            if (!consumer.accept(payload)) {
                return;
            }
            slots[slot] = null;
            deliverFrom = SrtPacket.next(deliverFrom, 1);
        }
    }

    /** Skips the missing packets at the head when the next one present has waited longer than the latency. */
    private boolean skipExpiredGap(long now) {
        int span = SrtPacket.distance(receivedUpTo, deliverFrom);
        for (int i = 1; i < span; i++) {
            int slot = SrtPacket.next(deliverFrom, i) & (CAPACITY - 1);
            if (slots[slot] != null) {
                if (now - arrivals[slot] < latencyMicros) {
                    return false;
                }
                dropped += i;
                deliverFrom = SrtPacket.next(deliverFrom, i);
                return true;
            }
        }
        return false;
    }

    /** The sender gave up on these (it dropped them too late to send): stop waiting for them. */
    void dropRequest(int first, int last) {
        if (SrtPacket.distance(deliverFrom, first) >= 0 && SrtPacket.distance(last, deliverFrom) >= 0
                && SrtPacket.distance(last, deliverFrom) < CAPACITY) {
            for (int s = deliverFrom; SrtPacket.distance(s, last) <= 0; s = SrtPacket.next(s, 1)) {
                if (slots[s & (CAPACITY - 1)] != null) {
                    return; // something after the head arrived: the gap ends there, delivery skips it with time
                }
                dropped++;
                deliverFrom = SrtPacket.next(s, 1);
            }
        }
    }

    /** Every few milliseconds: the full ACK when there is something new to acknowledge, the periodic NAK. */
    void tick(long now) {
        if (now - windowStart >= 1_000_000) {
            packetsPerSecond = (int) (packetsInWindow * 1_000_000 / Math.max(1, now - windowStart));
            bytesPerSecond = (int) (bytesInWindow * 1_000_000 / Math.max(1, now - windowStart));
            packetsInWindow = 0;
            bytesInWindow = 0;
            windowStart = now;
        }
        if (now - lastAckAt >= ACK_INTERVAL) {
            int acknowledge = firstMissing();
            // Again every interval until the sender confirms it (ACKACK), as libsrt does: a sender
            // whose window filled waits for an ACK before it sends on.
            if (acknowledge != lastAcked || acknowledge != confirmedAck) {
                sendAck(acknowledge, now);
            }
        }
        if (now - lastNakAt >= Math.max(MIN_NAK_INTERVAL, (rtt + 4 * rttVariance) / 2)) {
            List<int[]> missing = missingRanges();
            if (!missing.isEmpty()) {
                nak(missing, now);
            }
        }
    }

    /** The sender's ACKACK for full ACK {@code number}: one RTT sample. */
    void ackAck(int number, long now) {
        for (long[] sent : sentAcks) {
            if (sent[0] == number) {
                confirmedAck = (int) sent[2];
                long sample = now - sent[1];
                rttVariance = (3 * rttVariance + Math.abs(rtt - sample)) / 4;
                rtt = (7 * rtt + sample) / 8;
                return;
            }
        }
    }

    private int firstMissing() {
        int sequence = deliverFrom;
        while (SrtPacket.distance(receivedUpTo, sequence) > 0 && slots[sequence & (CAPACITY - 1)] != null) {
            sequence = SrtPacket.next(sequence, 1);
        }
        return sequence;
    }

    private List<int[]> missingRanges() {
        List<int[]> ranges = new ArrayList<>();
        int start = -1;
        for (int s = deliverFrom; SrtPacket.distance(receivedUpTo, s) > 0; s = SrtPacket.next(s, 1)) {
            boolean missing = slots[s & (CAPACITY - 1)] == null;
            if (missing && start < 0) {
                start = s;
            } else if (!missing && start >= 0) {
                ranges.add(new int[] {start, SrtPacket.next(s, -1)});
                start = -1;
            }
        }
        return ranges;
    }

    private void sendAck(int acknowledge, long now) {
        ackNumber = ackNumber == Integer.MAX_VALUE ? 1 : ackNumber + 1;
        lastAcked = acknowledge;
        lastAckAt = now;
        int available = CAPACITY - SrtPacket.distance(receivedUpTo, deliverFrom);
        send.accept(SrtPacket.control(SrtPacket.ACK, ackNumber, (int) now, peerSocket, 28)
                .appendInt(acknowledge)
                .appendInt((int) rtt)
                .appendInt((int) rttVariance)
                .appendInt(Math.max(2, available))
                .appendInt(packetsPerSecond)
                .appendInt(packetsPerSecond)
                .appendInt(bytesPerSecond));
        sentAcks.addLast(new long[] {ackNumber, now, acknowledge});
        if (sentAcks.size() > ACK_HISTORY) {
            sentAcks.removeFirst();
        }
    }

    private void nak(List<int[]> ranges, long now) {
        lastNakAt = now;
        Buffer words = Buffer.buffer();
        for (int[] range : ranges) {
            if (words.length() / 4 + 2 > MAX_NAK_WORDS) {
                break;
            }
            if (range[0] == range[1]) {
                words.appendInt(range[0]);
            } else {
                words.appendInt(range[0] | 0x80000000).appendInt(range[1]);
            }
        }
        send.accept(SrtPacket.control(SrtPacket.NAK, 0, (int) now, peerSocket, words.length()).appendBuffer(words));
    }

    /** Takes one payload, or refuses it for now (the stream's pipeline is full). */
    @FunctionalInterface
    interface PayloadConsumer {
        boolean accept(byte[] payload);
    }
}
