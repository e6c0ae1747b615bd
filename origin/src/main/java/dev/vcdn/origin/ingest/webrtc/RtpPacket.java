package dev.vcdn.origin.ingest.webrtc;

import java.util.Optional;

/**
 * A plain RTP packet (RFC 3550): its header fields and where the payload lies in {@code bytes}
 * (after CSRCs and the header extension, before padding).
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] bytes,
                        int payloadOffset, int payloadLength) {

    private static final int FIXED_HEADER = 12;

    /** RTP and RTCP share the port (rtcp-mux): RTCP packet types 192-223 sit where RTP has marker + payload type. */
    static boolean isRtcp(byte[] datagram, int length) {
        int type = datagram[1] & 0xFF;
        return length >= 8 && type >= 192 && type <= 223;
    }

    /** Length of the header with CSRCs and extension, or -1 when the packet is not RTP version 2 or is cut short. */
    static int headerLength(byte[] packet, int length) {
        if (length < FIXED_HEADER || (packet[0] & 0xC0) != 0x80) {
            return -1;
        }
        int header = FIXED_HEADER + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0) {
            if (length < header + 4) {
                return -1;
            }
            int extensionWords = ((packet[header + 2] & 0xFF) << 8) | (packet[header + 3] & 0xFF);
            header += 4 + 4 * extensionWords;
        }
        return header <= length ? header : -1;
    }

    static Optional<RtpPacket> parse(byte[] packet) {
        int header = headerLength(packet, packet.length);
        if (header < 0) {
            return Optional.empty();
        }
        int end = packet.length;
        if ((packet[0] & 0x20) != 0) {
            int padding = packet[end - 1] & 0xFF;
            if (padding == 0 || padding > end - header) {
                return Optional.empty();
            }
            end -= padding;
        }
        long ssrc = ((packet[8] & 0xFFL) << 24) | ((packet[9] & 0xFFL) << 16) | ((packet[10] & 0xFFL) << 8) | (packet[11] & 0xFFL);
        long timestamp = ((packet[4] & 0xFFL) << 24) | ((packet[5] & 0xFFL) << 16) | ((packet[6] & 0xFFL) << 8) | (packet[7] & 0xFFL);
        return Optional.of(new RtpPacket(packet[1] & 0x7F, (packet[1] & 0x80) != 0, ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF),
                timestamp, ssrc, packet, header, end - header));
    }

    int payloadByte(int index) {
        return bytes[payloadOffset + index] & 0xFF;
    }
}
