package dev.vcdn.origin.ingest.webrtc;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of SRTP and SRTCP with AES_CM_128_HMAC_SHA1_80 (RFC 3711): session keys derived
 * from the master key and salt, AES in counter mode, an 80-bit HMAC-SHA1 tag, the rollover
 * counter of each SSRC estimated from its sequence numbers, and a replay window. Not
 * thread-safe: owned by one session's event loop.
 */
public final class SrtpContext {

    static final int AUTH_TAG = 10;
    private static final int MAX_SSRCS = 16;
    static final int REPLAY_WINDOW = 128;
    private static final int LABEL_RTP_KEY = 0;
    private static final int LABEL_RTP_AUTH = 1;
    private static final int LABEL_RTP_SALT = 2;
    private static final int LABEL_RTCP_KEY = 3;
    private static final int LABEL_RTCP_AUTH = 4;
    private static final int LABEL_RTCP_SALT = 5;

    private final Cipher rtpCipher;
    private final Mac rtpMac;
    private final byte[] rtpSalt;
    private final Cipher rtcpCipher;
    private final Mac rtcpMac;
    private final byte[] rtcpSalt;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final Map<Long, SsrcState> streams = new HashMap<>();
    private int rtcpIndexSent;

    /** Why a packet was refused; each is counted, none is an error of ours. */
    public static final class SrtpException extends Exception {
        SrtpException(String message) {
            super(message, null, false, false);
        }
    }

    public SrtpContext(byte[] masterKey, byte[] masterSalt) {
        try {
            rtpKey = new SecretKeySpec(derive(masterKey, masterSalt, LABEL_RTP_KEY, 16), "AES");
            rtpSalt = derive(masterKey, masterSalt, LABEL_RTP_SALT, 14);
            rtpMac = mac(derive(masterKey, masterSalt, LABEL_RTP_AUTH, 20));
            rtcpKey = new SecretKeySpec(derive(masterKey, masterSalt, LABEL_RTCP_KEY, 16), "AES");
            rtcpSalt = derive(masterKey, masterSalt, LABEL_RTCP_SALT, 14);
            rtcpMac = mac(derive(masterKey, masterSalt, LABEL_RTCP_AUTH, 20));
            rtpCipher = Cipher.getInstance("AES/CTR/NoPadding");
            rtcpCipher = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR and HmacSHA1 are part of every JRE", e);
        }
    }

    /** The RFC 3711 key derivation (section 4.3) with a key derivation rate of 0. */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
        byte[] iv = Arrays.copyOf(masterSalt, 16);
        iv[7] ^= (byte) label;
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
        return aes.doFinal(new byte[length]);
    }

    private static Mac mac(byte[] key) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        return mac;
    }

    /**
     * Checks and decrypts an SRTP packet.
     *
     * @return the plain RTP packet (header and payload, without the tag)
     */
    public byte[] unprotectRtp(byte[] packet, int length) throws SrtpException {
        int headerLength = RtpPacket.headerLength(packet, length);
        if (headerLength < 0 || length < headerLength + AUTH_TAG) {
            throw new SrtpException("short or malformed SRTP packet");
        }
        long ssrc = readInt(packet, 8);
        int sequence = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        SsrcState state = streams.get(ssrc);
        if (state == null) {
            if (streams.size() >= MAX_SSRCS) {
                throw new SrtpException("too many SSRCs");
            }
            state = new SsrcState(sequence);
        }
        long index = state.estimateIndex(sequence);
        if (state.isReplay(index)) {
            throw new SrtpException("replayed SRTP packet");
        }
        int authenticated = length - AUTH_TAG;
        rtpMac.update(packet, 0, authenticated);
        rtpMac.update(intBytes((int) (index >>> 16)));
        if (!tagMatches(rtpMac.doFinal(), packet, authenticated)) {
            throw new SrtpException("SRTP authentication failed");
        }
        byte[] plain = Arrays.copyOf(packet, authenticated);
        crypt(rtpCipher, rtpKey, rtpSalt, ssrc, index, plain, headerLength, authenticated - headerLength);
        streams.putIfAbsent(ssrc, state);
        state.accept(index);
        return plain;
    }

    /** Encrypts and tags an RTP packet (what a publisher does; used to test the receiving side). */
    public byte[] protectRtp(byte[] packet, int rolloverCounter) {
        int headerLength = RtpPacket.headerLength(packet, packet.length);
        long ssrc = readInt(packet, 8);
        int sequence = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        long index = ((long) rolloverCounter << 16) | sequence;
        byte[] out = Arrays.copyOf(packet, packet.length + AUTH_TAG);
        crypt(rtpCipher, rtpKey, rtpSalt, ssrc, index, out, headerLength, packet.length - headerLength);
        rtpMac.update(out, 0, packet.length);
        rtpMac.update(intBytes(rolloverCounter));
        System.arraycopy(rtpMac.doFinal(), 0, out, packet.length, AUTH_TAG);
        return out;
    }

    /** Checks and decrypts an SRTCP packet (RFC 3711 section 3.4): the plain compound RTCP packet. */
    public byte[] unprotectRtcp(byte[] packet, int length) throws SrtpException {
        if (length < 8 + 4 + AUTH_TAG) {
            throw new SrtpException("short SRTCP packet");
        }
        int authenticated = length - AUTH_TAG;
        rtcpMac.update(packet, 0, authenticated);
        if (!tagMatches(rtcpMac.doFinal(), packet, authenticated)) {
            throw new SrtpException("SRTCP authentication failed");
        }
        int eIndex = (int) readInt(packet, authenticated - 4);
        byte[] plain = Arrays.copyOf(packet, authenticated - 4);
        if (eIndex < 0) {
            crypt(rtcpCipher, rtcpKey, rtcpSalt, readInt(packet, 4), eIndex & 0x7FFFFFFF, plain, 8, plain.length - 8);
        }
        return plain;
    }

    /** Encrypts and tags a compound RTCP packet of ours (receiver reports, NACK, PLI). */
    public byte[] protectRtcp(byte[] packet) {
        int index = rtcpIndexSent;
        rtcpIndexSent = (rtcpIndexSent + 1) & 0x7FFFFFFF;
        byte[] out = Arrays.copyOf(packet, packet.length + 4 + AUTH_TAG);
        crypt(rtcpCipher, rtcpKey, rtcpSalt, readInt(packet, 4), index, out, 8, packet.length - 8);
        ByteBuffer.wrap(out, packet.length, 4).putInt(index | 0x80000000);
        rtcpMac.update(out, 0, packet.length + 4);
        System.arraycopy(rtcpMac.doFinal(), 0, out, packet.length + 4, AUTH_TAG);
        return out;
    }

    /** AES-CM: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16). */
    private static void crypt(Cipher cipher, SecretKeySpec key, byte[] salt, long ssrc, long index, byte[] data,
                              int offset, int length) {
        byte[] iv = Arrays.copyOf(salt, 16);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            cipher.doFinal(data, offset, length, data, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR over an array in place cannot fail", e);
        }
    }

    private static boolean tagMatches(byte[] computed, byte[] packet, int tagOffset) {
        return MessageDigest.isEqual(Arrays.copyOf(computed, AUTH_TAG), Arrays.copyOfRange(packet, tagOffset, tagOffset + AUTH_TAG));
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static long readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16) | ((bytes[offset + 2] & 0xFFL) << 8)
                | (bytes[offset + 3] & 0xFFL);
    }

    /** Rollover counter and replay window of one SSRC (RFC 3711 section 3.3.1 and appendix A). */
    private static final class SsrcState {
        private long highestIndex;
        private final boolean[] seen = new boolean[REPLAY_WINDOW];

        SsrcState(int firstSequence) {
            highestIndex = firstSequence;
        }

        long estimateIndex(int sequence) {
            long roc = highestIndex >>> 16;
            int highestSequence = (int) (highestIndex & 0xFFFF);
            long guessedRoc;
            if (highestSequence < 32768) {
                guessedRoc = sequence - highestSequence > 32768 ? roc - 1 : roc;
            } else {
                guessedRoc = highestSequence - 32768 > sequence ? roc + 1 : roc;
            }
            return (Math.max(guessedRoc, 0) << 16) | sequence;
        }

        boolean isReplay(long index) {
            if (index > highestIndex) {
                return false;
            }
            return highestIndex - index >= REPLAY_WINDOW || seen[(int) (index % REPLAY_WINDOW)];
        }

        void accept(long index) {
            if (index > highestIndex) {
                for (long i = highestIndex + 1; i < index && i - highestIndex <= REPLAY_WINDOW; i++) {
                    seen[(int) (i % REPLAY_WINDOW)] = false;
                }
                highestIndex = index;
            }
            seen[(int) (index % REPLAY_WINDOW)] = true;
        }
    }
}
