package dev.vcdn.origin.ingest.webrtc;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN binding request as an ICE-lite agent receives it (RFC 8489, RFC 8445), and the answers
 * to it. The controlling peer proves it knows our password with MESSAGE-INTEGRITY (HMAC-SHA1 keyed
 * by our ice-pwd over the message up to that attribute); our success response carries its address
 * as we see it (XOR-MAPPED-ADDRESS) and is signed the same way.
 *
 * @param transactionId    the request's 12-byte id, repeated in the answer
 * @param username         "ourUfrag:theirUfrag"
 * @param useCandidate     the peer nominates the pair it sent this on
 * @param integrityOffset  where MESSAGE-INTEGRITY starts in the datagram
 */
public record StunMessage(byte[] transactionId, String username, boolean useCandidate, int integrityOffset) {

    static final int MAGIC_COOKIE = 0x2112A442;
    private static final int HEADER = 20;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int BINDING_ERROR = 0x0111;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int ERROR_CODE = 0x0009;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int USE_CANDIDATE = 0x0025;
    private static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int HMAC_LENGTH = 20;
    /** RFC 8489 limits a username to 513 bytes; ICE's are two ufrags of at most 256 characters. */
    private static final int MAX_USERNAME = 513;

    /** The first byte of a STUN message is 0-3 (RFC 7983 demultiplexing of one UDP port). */
    static boolean looksLikeStun(byte[] datagram, int length) {
        return length >= HEADER && (datagram[0] & 0xFF) < 4;
    }

    /**
     * A binding request with USERNAME and MESSAGE-INTEGRITY, or empty for anything else (an
     * indication, a response, a malformed message): those get no answer.
     */
    static Optional<StunMessage> parseBindingRequest(byte[] datagram, int length) {
        if (!looksLikeStun(datagram, length)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(datagram, 0, length);
        int type = in.getShort() & 0xFFFF;
        int bodyLength = in.getShort() & 0xFFFF;
        if (type != BINDING_REQUEST || in.getInt() != MAGIC_COOKIE || HEADER + bodyLength != length || bodyLength % 4 != 0) {
            return Optional.empty();
        }
        byte[] transactionId = new byte[12];
        in.get(transactionId);
        String username = null;
        boolean useCandidate = false;
        int integrityOffset = -1;
        while (in.remaining() >= 4 && integrityOffset < 0) {
            int attributeStart = in.position();
            int attribute = in.getShort() & 0xFFFF;
            int attributeLength = in.getShort() & 0xFFFF;
            int padded = (attributeLength + 3) & ~3;
            if (padded > in.remaining()) {
                return Optional.empty();
            }
            switch (attribute) {
                case USERNAME -> {
                    if (attributeLength > MAX_USERNAME) {
                        return Optional.empty();
                    }
                    username = new String(datagram, in.position(), attributeLength, StandardCharsets.UTF_8);
                }
                case USE_CANDIDATE -> useCandidate = true;
                case MESSAGE_INTEGRITY -> {
                    if (attributeLength != HMAC_LENGTH) {
                        return Optional.empty();
                    }
                    integrityOffset = attributeStart;
                }
                default -> {
                    // PRIORITY, ICE-CONTROLLING, network cost...: nothing an ICE-lite agent needs.
                }
            }
            in.position(in.position() + padded);
        }
        if (username == null || integrityOffset < 0) {
            return Optional.empty();
        }
        return Optional.of(new StunMessage(transactionId, username, useCandidate, integrityOffset));
    }

    /** Our ufrag: the part of USERNAME before the colon. */
    String localUfrag() {
        int colon = username.indexOf(':');
        return colon < 0 ? username : username.substring(0, colon);
    }

    /** Whether MESSAGE-INTEGRITY was computed with {@code password} (short-term credential: the key is the password). */
    boolean integrityMatches(byte[] datagram, String password) {
        byte[] copy = java.util.Arrays.copyOf(datagram, integrityOffset);
        // The length field covers the message up to and including MESSAGE-INTEGRITY.
        putShort(copy, 2, integrityOffset + 4 + HMAC_LENGTH - HEADER);
        byte[] expected = hmac(password, copy, copy.length);
        byte[] received = java.util.Arrays.copyOfRange(datagram, integrityOffset + 4, integrityOffset + 4 + HMAC_LENGTH);
        return MessageDigest.isEqual(expected, received);
    }

    /** The success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY with our password, FINGERPRINT. */
    byte[] successResponse(InetSocketAddress mapped, String password) {
        byte[] address = mapped.getAddress().getAddress();
        ByteBuffer body = ByteBuffer.allocate(4 + 4 + address.length);
        body.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) (4 + address.length));
        body.put((byte) 0).put((byte) (address.length == 4 ? 1 : 2));
        body.putShort((short) (mapped.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
        for (int i = 0; i < address.length; i++) {
            body.put((byte) (address[i] ^ mask[i]));
        }
        return signed(BINDING_SUCCESS, body.array(), password);
    }

    /** 401 Unauthorized (wrong password or unknown ufrag): no integrity, since we hold no key the peer shares. */
    byte[] unauthorizedResponse() {
        byte[] reason = "Unauthorized".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer body = ByteBuffer.allocate(4 + 4 + reason.length);
        body.putShort((short) ERROR_CODE).putShort((short) (4 + reason.length));
        body.putShort((short) 0).put((byte) 4).put((byte) 1).put(reason);
        return withFingerprint(header(BINDING_ERROR, body.array(), 0));
    }

    private byte[] signed(int type, byte[] attributes, String password) {
        byte[] message = header(type, attributes, 4 + HMAC_LENGTH);
        byte[] withIntegrity = java.util.Arrays.copyOf(message, message.length + 4 + HMAC_LENGTH);
        putShort(withIntegrity, message.length, MESSAGE_INTEGRITY);
        putShort(withIntegrity, message.length + 2, HMAC_LENGTH);
        System.arraycopy(hmac(password, message, message.length), 0, withIntegrity, message.length + 4, HMAC_LENGTH);
        return withFingerprint(withIntegrity);
    }

    /** The header and attributes, the length field already counting {@code attributesToCome} more bytes. */
    private byte[] header(int type, byte[] attributes, int attributesToCome) {
        ByteBuffer message = ByteBuffer.allocate(HEADER + attributes.length);
        message.putShort((short) type).putShort((short) (attributes.length + attributesToCome)).putInt(MAGIC_COOKIE)
                .put(transactionId).put(attributes);
        return message.array();
    }

    private static byte[] withFingerprint(byte[] message) {
        byte[] out = java.util.Arrays.copyOf(message, message.length + 8);
        putShort(out, 2, out.length - HEADER);
        CRC32 crc = new CRC32();
        crc.update(out, 0, message.length);
        ByteBuffer.wrap(out, message.length, 8).putShort((short) FINGERPRINT).putShort((short) 4)
                .putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return out;
    }

    private static byte[] hmac(String password, byte[] message, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(message, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JRE", e);
        }
    }

    private static void putShort(byte[] array, int offset, int value) {
        array[offset] = (byte) (value >>> 8);
        array[offset + 1] = (byte) value;
    }
}
