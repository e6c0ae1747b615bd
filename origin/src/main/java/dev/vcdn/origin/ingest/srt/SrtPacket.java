package dev.vcdn.origin.ingest.srt;

import io.vertx.core.buffer.Buffer;

/**
 * SRT's packet header (draft-sharabayko-srt, section 3): 16 bytes, then a data payload or a
 * control information field. Sequence numbers are 31 bits and wrap.
 */
final class SrtPacket {

    static final int HEADER = 16;
    static final int MAX_SEQUENCE = 0x7FFFFFFF;

    static final int HANDSHAKE = 0x0000;
    static final int KEEPALIVE = 0x0001;
    static final int ACK = 0x0002;
    static final int NAK = 0x0003;
    static final int SHUTDOWN = 0x0005;
    static final int ACKACK = 0x0006;
    static final int DROPREQ = 0x0007;
    /** UMSG_EXT: its subtype (the header's low 16 bits) says which; SRT carries key refreshes in it. */
    static final int USER_DEFINED = 0x7FFF;
    static final int EXT_KMREQ = 3;
    static final int EXT_KMRSP = 4;

    private SrtPacket() {
    }

    static boolean isControl(Buffer packet) {
        return (packet.getByte(0) & 0x80) != 0;
    }

    static int controlType(Buffer packet) {
        return (packet.getUnsignedShort(0)) & 0x7FFF;
    }

    /** A control packet's subtype: the low 16 bits of its first word. */
    static int subtype(Buffer packet) {
        return packet.getUnsignedShort(2);
    }

    static int sequence(Buffer packet) {
        return packet.getInt(0) & MAX_SEQUENCE;
    }

    /** Bits 27-28 of the second word: the data packet's encryption key flags (0: clear). */
    static int encryptionFlags(Buffer packet) {
        return (packet.getByte(4) >> 3) & 0x3;
    }

    static int typeSpecific(Buffer packet) {
        return packet.getInt(4);
    }

    static int destination(Buffer packet) {
        return packet.getInt(12);
    }

    static Buffer control(int type, int typeSpecific, int timestampMicros, int destination, int cifBytes) {
        return Buffer.buffer(HEADER + cifBytes)
                .appendInt(0x80000000 | (type << 16))
                .appendInt(typeSpecific)
                .appendInt(timestampMicros)
                .appendInt(destination);
    }

    /** {@code a - b} for 31-bit sequence numbers, in [-2^30, 2^30). */
    static int distance(int a, int b) {
        int difference = (a - b) & MAX_SEQUENCE;
        return difference >= 0x40000000 ? difference | 0x80000000 : difference;
    }

    static int next(int sequence, int step) {
        return (sequence + step) & MAX_SEQUENCE;
    }
}
