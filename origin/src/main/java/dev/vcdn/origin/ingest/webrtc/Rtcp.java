package dev.vcdn.origin.ingest.webrtc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP a receiving-only peer sends (RFC 3550, RFC 4585, draft-alvestrand-rmcat-remb) and the
 * one part of what it receives that it uses: the sender report's NTP time, for the round trip in
 * our receiver reports. Each packet is sent on its own (reduced-size RTCP, RFC 5506).
 */
final class Rtcp {

    private static final int SENDER_REPORT = 200;
    private static final int RECEIVER_REPORT = 201;
    private static final int TRANSPORT_FEEDBACK = 205;
    private static final int PAYLOAD_FEEDBACK = 206;
    private static final int FMT_NACK = 1;
    private static final int FMT_PLI = 1;
    private static final int FMT_REMB = 15;

    private Rtcp() {
    }

    /** What a sender report says: whose, and its NTP time's middle 32 bits (LSR in our reports). */
    record SenderReport(long ssrc, long compactNtp) {
    }

    /** The receiving side of one SSRC, for a report block. */
    record ReceptionStats(long ssrc, long cumulativeLost, long extendedHighestSequence, long lastSenderReport,
                          long delaySinceLastSenderReport) {
    }

    /** The sender reports in a compound RTCP packet; anything malformed ends the walk. */
    static List<SenderReport> senderReports(byte[] packet) {
        List<SenderReport> reports = new ArrayList<>();
        int at = 0;
        while (at + 4 <= packet.length) {
            int length = 4 * ((((packet[at + 2] & 0xFF) << 8) | (packet[at + 3] & 0xFF)) + 1);
            if ((packet[at] & 0xC0) != 0x80 || at + length > packet.length) {
                break;
            }
            if ((packet[at + 1] & 0xFF) == SENDER_REPORT && length >= 28) {
                ByteBuffer in = ByteBuffer.wrap(packet, at + 4, 12);
                long ssrc = in.getInt() & 0xFFFFFFFFL;
                long ntpSeconds = in.getInt() & 0xFFFFFFFFL;
                long ntpFraction = in.getInt() & 0xFFFFFFFFL;
                reports.add(new SenderReport(ssrc, ((ntpSeconds & 0xFFFF) << 16) | (ntpFraction >>> 16)));
            }
            at += length;
        }
        return reports;
    }

    static byte[] receiverReport(long senderSsrc, List<ReceptionStats> blocks) {
        ByteBuffer out = header(RECEIVER_REPORT, blocks.size(), 1 + 6 * blocks.size());
        out.putInt((int) senderSsrc);
        for (ReceptionStats block : blocks) {
            long lost = Math.min(block.cumulativeLost(), 0x7FFFFF);
            out.putInt((int) block.ssrc()).putInt((int) lost).putInt((int) block.extendedHighestSequence())
                    .putInt(0).putInt((int) block.lastSenderReport()).putInt((int) block.delaySinceLastSenderReport());
        }
        return out.array();
    }

    /** Picture loss: the sender answers with a keyframe (RFC 4585 section 6.3.1). */
    static byte[] pictureLoss(long senderSsrc, long mediaSsrc) {
        return header(PAYLOAD_FEEDBACK, FMT_PLI, 2).putInt((int) senderSsrc).putInt((int) mediaSsrc).array();
    }

    /** Generic NACK (RFC 4585 section 6.2.1): each entry a packet id and a bitmask of the 16 after it. */
    static byte[] nack(long senderSsrc, long mediaSsrc, List<Integer> sequences) {
        List<int[]> entries = new ArrayList<>();
        for (int sequence : sequences) {
            int[] last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            int distance = last == null ? -1 : (sequence - last[0]) & 0xFFFF;
            if (distance >= 1 && distance <= 16) {
                last[1] |= 1 << (distance - 1);
            } else {
                entries.add(new int[] {sequence, 0});
            }
        }
        ByteBuffer out = header(TRANSPORT_FEEDBACK, FMT_NACK, 2 + entries.size());
        out.putInt((int) senderSsrc).putInt((int) mediaSsrc);
        for (int[] entry : entries) {
            out.putShort((short) entry[0]).putShort((short) entry[1]);
        }
        return out.array();
    }

    /** Receiver estimated maximum bitrate: lets the sender's rate controller climb to {@code bitsPerSecond}. */
    static byte[] remb(long senderSsrc, long bitsPerSecond, List<Long> mediaSsrcs) {
        int exponent = 0;
        long mantissa = bitsPerSecond;
        while (mantissa >= (1 << 18)) {
            mantissa >>= 1;
            exponent++;
        }
        ByteBuffer out = header(PAYLOAD_FEEDBACK, FMT_REMB, 4 + mediaSsrcs.size());
        out.putInt((int) senderSsrc).putInt(0).put("REMB".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.put((byte) mediaSsrcs.size()).put((byte) ((exponent << 2) | (int) (mantissa >>> 16)))
                .putShort((short) mantissa);
        mediaSsrcs.forEach(ssrc -> out.putInt(ssrc.intValue()));
        return out.array();
    }

    /** A packet of {@code bodyWords} 32-bit words after its 4-byte header. */
    private static ByteBuffer header(int type, int countOrFormat, int bodyWords) {
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * bodyWords);
        out.put((byte) (0x80 | countOrFormat)).put((byte) type).putShort((short) bodyWords);
        return out;
    }
}
