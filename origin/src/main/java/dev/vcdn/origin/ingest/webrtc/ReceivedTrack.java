package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.ingest.webrtc.Rtcp.ReceptionStats;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One RTP stream of a session: put back in order (with retransmissions asked for), counted for
 * our receiver reports, and its RTP clock turned into the session's milliseconds. The first
 * packet's arrival places the track on the session's clock, so audio and video start together as
 * they arrived; from there the sender's own timestamps rule (no arrival jitter).
 */
abstract class ReceivedTrack implements RtpReorderBuffer.Output {

    final int payloadType;
    /** The sender retransmits on NACK (a=rtcp-fb:PT nack): browsers do for video, not for Opus. */
    final boolean retransmits;
    private final int clockRate;
    private final RtpReorderBuffer reorder;
    private final LongSupplier sessionMillis;
    private long ssrc = -1;
    private long firstTimestamp = -1;
    private long lastTimestamp;
    private long extendedTimestamp;
    private long offsetMillis;
    private int highestSequence = -1;
    private long sequenceCycles;
    private long lastSenderReport;
    private long senderReportArrivalMillis;
    private long firstArrivalMillis = -1;
    private long lastArrivalMillis;

    /** @param sessionMillis milliseconds since the session's first media packet */
    ReceivedTrack(int payloadType, boolean retransmits, int clockRate, long jitterDelayMillis, LongSupplier sessionMillis) {
        this.payloadType = payloadType;
        this.retransmits = retransmits;
        this.clockRate = clockRate;
        this.reorder = new RtpReorderBuffer(jitterDelayMillis, this);
        this.sessionMillis = sessionMillis;
    }

    /** Takes a packet of this track's payload type; a second SSRC (simulcast, a restarted sender) is ignored. */
    final void receive(RtpPacket packet, long nowMillis) {
        if (ssrc < 0) {
            ssrc = packet.ssrc();
        } else if (packet.ssrc() != ssrc) {
            return;
        }
        if (firstArrivalMillis < 0) {
            firstArrivalMillis = nowMillis;
        }
        lastArrivalMillis = nowMillis;
        countSequence(packet.sequence());
        reorder.add(packet, nowMillis);
    }

    /** Sequence numbers to NACK now; gaps that waited too long are given up on. */
    final List<Integer> tick(long nowMillis) {
        return reorder.tick(nowMillis);
    }

    /** When the first packet arrived (-1 before). */
    final long firstArrivalMillis() {
        return firstArrivalMillis;
    }

    /** When the packet being handed on (or the last one) arrived. */
    final long lastArrivalMillis() {
        return lastArrivalMillis;
    }

    final long ssrc() {
        return ssrc;
    }

    final boolean started() {
        return ssrc >= 0;
    }

    final long lostPackets() {
        return reorder.lostPackets();
    }

    final void senderReport(long compactNtp, long nowMillis) {
        lastSenderReport = compactNtp;
        senderReportArrivalMillis = nowMillis;
    }

    final ReceptionStats stats(long nowMillis) {
        long delay = lastSenderReport == 0 ? 0 : (nowMillis - senderReportArrivalMillis) * 65536 / 1000;
        return new ReceptionStats(ssrc, reorder.lostPackets(), (sequenceCycles << 16) | Math.max(highestSequence, 0),
                lastSenderReport, delay);
    }

    /** The packet's RTP timestamp on the session's clock, in milliseconds. */
    final long millis(long rtpTimestamp) {
        if (firstTimestamp < 0) {
            firstTimestamp = rtpTimestamp;
            lastTimestamp = rtpTimestamp;
            extendedTimestamp = rtpTimestamp;
            offsetMillis = sessionMillis.getAsLong();
        } else {
            extendedTimestamp += (int) (rtpTimestamp - lastTimestamp); // signed: 32-bit wrap and reordering
            lastTimestamp = rtpTimestamp;
        }
        return offsetMillis + Math.floorDiv((extendedTimestamp - firstTimestamp) * 1000, clockRate);
    }

    private void countSequence(int sequence) {
        if (highestSequence < 0) {
            highestSequence = sequence;
            return;
        }
        int ahead = (sequence - highestSequence) & 0xFFFF;
        if (ahead != 0 && ahead < 0x8000) {
            if (sequence < highestSequence) {
                sequenceCycles++;
            }
            highestSequence = sequence;
        }
    }
}
