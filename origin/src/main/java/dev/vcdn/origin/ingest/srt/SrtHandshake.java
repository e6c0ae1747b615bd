package dev.vcdn.origin.ingest.srt;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The handshake's control information field (draft-sharabayko-srt, 3.2.1) with the extensions a
 * listener reads (HSREQ, stream id, whether key material was offered) and writes (HSRSP).
 *
 * @param extension   the extension field: the SRT magic in an induction response, extension flags in a conclusion
 * @param streamId    the caller's stream id (SRT_CMD_SID), when it sent one
 * @param peerVersion the caller's SRT version from HSREQ, 0 without one
 * @param peerLatency the caller's sender TSBPD delay in ms (its latency), 0 without HSREQ
 * @param keyMaterial the caller offered encryption (KMREQ or a key length)
 * @param keyMaterialMessage the caller's first KMREQ, as the raw KM message
 */
record SrtHandshake(int version, int encryption, int extension, int initialSequence, int mtu, int flowWindow, int type,
                    int socketId, int cookie, Optional<String> streamId, int peerVersion, int peerLatency,
                    boolean keyMaterial, Optional<byte[]> keyMaterialMessage) {

    static final int CIF = 48;
    /** The SRT version we answer with: 1.5.6, the first without the 2026 pre-authentication overflows. */
    static final int VERSION = 0x010506;
    static final int INDUCTION = 1;
    static final int CONCLUSION = -1;
    static final int SRT_MAGIC = 0x4A17;
    static final int EXTENSION_HSREQ = 0x1;
    static final int EXTENSION_KMREQ = 0x2;
    static final int MAX_STREAM_ID = 512;
    /** A rejection is sent as handshake type 1000 + reason. */
    static final int REJECTION_BASE = 1000;

    private static final int CMD_HSREQ = 1;
    private static final int CMD_HSRSP = 2;
    private static final int CMD_KMREQ = 3;
    private static final int CMD_KMRSP = 4;
    private static final int CMD_SID = 5;
    private static final int MAX_EXTENSIONS = 16;

    /** Parses a handshake control packet (header included); empty when it is malformed. */
    static Optional<SrtHandshake> parse(Buffer packet) {
        int at = SrtPacket.HEADER;
        if (packet.length() < at + CIF) {
            return Optional.empty();
        }
        Optional<String> streamId = Optional.empty();
        int peerVersion = 0;
        int peerLatency = 0;
        boolean keyMaterial = packet.getUnsignedShort(at + 4) != 0;
        Optional<byte[]> keyMaterialMessage = Optional.empty();
        int position = at + CIF;
        for (int count = 0; position + 4 <= packet.length() && count < MAX_EXTENSIONS; count++) {
            int command = packet.getUnsignedShort(position);
            int bytes = packet.getUnsignedShort(position + 2) * 4;
            int content = position + 4;
            if (content + bytes > packet.length()) {
                return Optional.empty();
            }
            if (command == CMD_HSREQ && bytes >= 12) {
                peerVersion = packet.getInt(content);
                peerLatency = packet.getUnsignedShort(content + 10);
            } else if (command == CMD_KMREQ) {
                keyMaterial = true;
                if (keyMaterialMessage.isEmpty() && bytes <= SrtCrypto.MAX_KM_BYTES) {
                    // The KM message travels as a byte string in its natural order (libsrt cancels the word swap).
                    keyMaterialMessage = Optional.of(packet.getBytes(content, content + bytes));
                }
            } else if (command == CMD_SID) {
                if (bytes > MAX_STREAM_ID) {
                    return Optional.empty();
                }
                streamId = Optional.of(streamId(packet, content, bytes));
            }
            position = content + bytes;
        }
        return Optional.of(new SrtHandshake(packet.getInt(at), packet.getUnsignedShort(at + 4), packet.getUnsignedShort(at + 6),
                packet.getInt(at + 8), packet.getInt(at + 12), packet.getInt(at + 16), packet.getInt(at + 20),
                packet.getInt(at + 24), packet.getInt(at + 28), streamId, peerVersion, peerLatency, keyMaterial,
                keyMaterialMessage));
    }

    /** libsrt writes the stream id as 32-bit words in little-endian order: each group of four bytes is reversed. */
    private static String streamId(Buffer packet, int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = packet.getByte(from + (i & ~3) + 3 - (i & 3));
        }
        int end = length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Our answer to an induction: version 5, the SRT magic and a cookie to echo. */
    Buffer inductionResponse(int listenerSocket, int cookie, byte[] callerAddress) {
        return new SrtHandshake(5, 0, SRT_MAGIC, initialSequence, mtu, flowWindow, INDUCTION, listenerSocket, cookie,
                Optional.empty(), 0, 0, false, Optional.empty()).encode(0, socketId, callerAddress, Buffer.buffer());
    }

    /**
     * Our answer to an accepted conclusion: the connection's socket id, HSRSP with the agreed
     * latency, and when the caller encrypts, its KM message echoed as KMRSP (libsrt's "keys taken").
     */
    Buffer conclusionResponse(int connectionSocket, int flags, int latencyMillis, int maxFlowWindow, byte[] callerAddress,
                              Optional<byte[]> acceptedKeyMaterial) {
        Buffer extensions = handshakeResponse(flags, latencyMillis);
        acceptedKeyMaterial.ifPresent(message -> extensions.appendUnsignedShort(CMD_KMRSP)
                .appendUnsignedShort(message.length / 4).appendBytes(message));
        int extensionFlags = EXTENSION_HSREQ | (acceptedKeyMaterial.isPresent() ? EXTENSION_KMREQ : 0);
        return new SrtHandshake(5, 0, extensionFlags, initialSequence, mtu, Math.min(flowWindow, maxFlowWindow), CONCLUSION,
                connectionSocket, cookie, Optional.empty(), 0, 0, false, Optional.empty())
                .encode(0, socketId, callerAddress, extensions);
    }

    /** A refusal: the handshake type is the rejection code, no extensions. */
    Buffer rejection(int listenerSocket, int rejectionType, byte[] callerAddress) {
        return new SrtHandshake(5, 0, 0, initialSequence, mtu, flowWindow, rejectionType, listenerSocket, cookie,
                Optional.empty(), 0, 0, false, Optional.empty()).encode(0, socketId, callerAddress, Buffer.buffer());
    }

    /** The packet carrying this handshake to {@code destination}, with {@code extensions} after the CIF. */
    Buffer encode(int timestampMicros, int destination, byte[] peerAddress, Buffer extensions) {
        Buffer packet = SrtPacket.control(SrtPacket.HANDSHAKE, 0, timestampMicros, destination, CIF + extensions.length())
                .appendInt(version)
                .appendUnsignedShort(encryption)
                .appendUnsignedShort(extension)
                .appendInt(initialSequence)
                .appendInt(mtu)
                .appendInt(flowWindow)
                .appendInt(type)
                .appendInt(socketId)
                .appendInt(cookie);
        byte[] address = new byte[16];
        // IPv4 as the first 32-bit word, in the same little-endian word order as libsrt.
        for (int i = 0; i < Math.min(peerAddress.length, 16); i++) {
            address[(i & ~3) + 3 - (i & 3)] = peerAddress[i];
        }
        return packet.appendBytes(address).appendBuffer(extensions);
    }

    /** HSRSP: our SRT version, flags and the latency both sides will use, in ms. */
    static Buffer handshakeResponse(int flags, int latencyMillis) {
        return Buffer.buffer(16)
                .appendUnsignedShort(CMD_HSRSP)
                .appendUnsignedShort(3)
                .appendInt(VERSION)
                .appendInt(flags)
                .appendUnsignedShort(latencyMillis)
                .appendUnsignedShort(latencyMillis);
    }
}
