package dev.vcdn.origin.ingest.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of the RTMP handshake: C0+C1 in, S0+S1+S2 out, then C2 (ignored).
 *
 * <p>ffmpeg and OBS send the "digest" variant of C1 (a non-zero version and an HMAC-SHA256 of
 * the packet hidden at an offset derived from its own bytes). We answer it in kind: S1 carries
 * our digest keyed with the Flash Media Server key, and S2 is signed with a key derived from
 * the client's digest, which is what clients that check the server verify. A plain C1 (version
 * zero) gets the plain answer: S1 random, S2 an echo of C1.
 */
public final class Handshake {

    public static final int RTMP_VERSION = 3;
    public static final int PACKET_SIZE = 1536;
    private static final int DIGEST_SIZE = 32;

    /** The 32 bytes both well-known keys end with. */
    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE};
    /** "Genuine Adobe Flash Player 001" + tail; C1 digests use its first 30 bytes. */
    static final byte[] CLIENT_KEY = concat("Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII), KEY_TAIL);
    /** "Genuine Adobe Flash Media Server 001" + tail; S1 digests use its first 36 bytes, S2 all 68. */
    static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII), KEY_TAIL);
    private static final int CLIENT_KEY_PART = 30;
    private static final int SERVER_KEY_PART = 36;
    /** The version we announce in S1, as Flash Media Server 4.5 does; clients only check that it is non-zero. */
    private static final byte[] SERVER_VERSION = {0x04, 0x05, 0x00, 0x01};

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a digest scheme hides the 32-byte digest: base of the 4 offset bytes. */
    enum Scheme {
        SCHEME_0(8),
        SCHEME_1(772);

        final int offsetBase;

        Scheme(int offsetBase) {
            this.offsetBase = offsetBase;
        }

        int digestOffset(byte[] packet) {
            int sum = (packet[offsetBase] & 0xFF) + (packet[offsetBase + 1] & 0xFF) + (packet[offsetBase + 2] & 0xFF)
                    + (packet[offsetBase + 3] & 0xFF);
            return sum % 728 + offsetBase + 4;
        }
    }

    private Handshake() {
    }

    /**
     * Answers C0+C1 ({@code 1 + 1536} bytes) with S0+S1+S2 ({@code 1 + 2 * 1536} bytes).
     *
     * @throws RtmpProtocolException when C0 is not RTMP version 3 (an HTTP request starts with 'G' or 'P')
     */
    public static byte[] respond(byte[] c0c1) {
        if (c0c1.length != 1 + PACKET_SIZE) {
            throw new IllegalArgumentException("C0+C1 is " + (1 + PACKET_SIZE) + " bytes");
        }
        if (c0c1[0] != RTMP_VERSION) {
            throw new RtmpProtocolException("not RTMP: version byte 0x" + Integer.toHexString(c0c1[0] & 0xFF));
        }
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, c0c1.length);
        Optional<byte[]> clientDigest = clientVersionIsSet(c1) ? findClientDigest(c1) : Optional.empty();

        byte[] s1 = new byte[PACKET_SIZE];
        RANDOM.nextBytes(s1);
        Arrays.fill(s1, 0, 4, (byte) 0); // time
        byte[] s2;
        if (clientDigest.isPresent()) {
            System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
            Scheme scheme = findClientScheme(c1).orElseThrow();
            insertDigest(s1, scheme, Arrays.copyOf(SERVER_KEY, SERVER_KEY_PART));
            s2 = new byte[PACKET_SIZE];
            RANDOM.nextBytes(s2);
            byte[] key = hmacSha256(SERVER_KEY, clientDigest.get(), 0, DIGEST_SIZE);
            byte[] signature = hmacSha256(key, s2, 0, PACKET_SIZE - DIGEST_SIZE);
            System.arraycopy(signature, 0, s2, PACKET_SIZE - DIGEST_SIZE, DIGEST_SIZE);
        } else {
            Arrays.fill(s1, 4, 8, (byte) 0);
            s2 = c1.clone();
        }
        byte[] response = new byte[1 + 2 * PACKET_SIZE];
        response[0] = RTMP_VERSION;
        System.arraycopy(s1, 0, response, 1, PACKET_SIZE);
        System.arraycopy(s2, 0, response, 1 + PACKET_SIZE, PACKET_SIZE);
        return response;
    }

    private static boolean clientVersionIsSet(byte[] c1) {
        return c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0;
    }

    /** The digest a client hid in C1, if it is valid under either scheme. */
    static Optional<byte[]> findClientDigest(byte[] c1) {
        return findClientScheme(c1).map(scheme -> {
            int offset = scheme.digestOffset(c1);
            return Arrays.copyOfRange(c1, offset, offset + DIGEST_SIZE);
        });
    }

    static Optional<Scheme> findClientScheme(byte[] c1) {
        byte[] key = Arrays.copyOf(CLIENT_KEY, CLIENT_KEY_PART);
        for (Scheme scheme : Scheme.values()) {
            if (hasValidDigest(c1, scheme, key)) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    /** True when {@code packet} carries, at the offset {@code scheme} derives, the HMAC of the rest keyed by {@code key}. */
    static boolean hasValidDigest(byte[] packet, Scheme scheme, byte[] key) {
        int offset = scheme.digestOffset(packet);
        byte[] expected = digestAround(packet, offset, key);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, offset, offset + DIGEST_SIZE));
    }

    private static void insertDigest(byte[] packet, Scheme scheme, byte[] key) {
        int offset = scheme.digestOffset(packet);
        System.arraycopy(digestAround(packet, offset, key), 0, packet, offset, DIGEST_SIZE);
    }

    /** HMAC-SHA256 of the packet without the 32 digest bytes at {@code offset}. */
    private static byte[] digestAround(byte[] packet, int offset, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(packet, 0, offset);
            mac.update(packet, offset + DIGEST_SIZE, packet.length - offset - DIGEST_SIZE);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data, int offset, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
