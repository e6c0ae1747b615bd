package dev.vcdn.origin.ingest.srt;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRT encryption as libsrt does it (HaiCrypt, AES-CTR), for a listener that has a passphrase:
 * the caller's keying material message (KM: salt, and its stream encrypting keys wrapped with
 * RFC 3394 under a key PBKDF2 derives from the passphrase) is checked and unwrapped, and data
 * packets are decrypted with the even or odd key their header names. The counter block is the
 * salt's first 14 bytes with the packet's sequence number XORed into bytes 10-13. There is no
 * integrity check in SRT's AES-CTR: a wrong key is only detected when unwrapping.
 */
public final class SrtCrypto {

    /** The largest KM message: 16-byte header, 16-byte salt, two 32-byte keys, 8 bytes of wrap. */
    static final int MAX_KM_BYTES = 104;
    public static final int MIN_PASSPHRASE = 10;
    public static final int MAX_PASSPHRASE = 80;
    private static final int HEADER = 16;
    private static final int PBKDF2_ITERATIONS = 2048;
    private static final int PBKDF2_SALT = 8;
    private static final int EVEN = 1;
    private static final int ODD = 2;

    /** Why a caller's keying material is refused: the rejection codes libsrt uses. */
    static final class KeyMaterialException extends Exception {
        private final boolean wrongPassphrase;

        KeyMaterialException(String message, boolean wrongPassphrase) {
            super(message, null, false, false);
            this.wrongPassphrase = wrongPassphrase;
        }

        /** The message was well formed but did not unwrap: the caller has another passphrase (1010, else 1011). */
        boolean wrongPassphrase() {
            return wrongPassphrase;
        }
    }

    private final Cipher cipher;
    private final byte[] salt;
    private final String passphrase;
    private SecretKeySpec evenKey;
    private SecretKeySpec oddKey;
    /** Derived once: a refresh keeps the salt, so the event loop never runs PBKDF2 for it. */
    private SecretKeySpec keyEncryptingKey;

    private SrtCrypto(byte[] salt, String passphrase) {
        this.salt = salt;
        this.passphrase = passphrase;
        try {
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every JRE", e);
        }
    }

    /** Unwraps the caller's KM with {@code passphrase}: a decryptor for its packets. */
    static SrtCrypto fromKeyMaterial(byte[] message, String passphrase) throws KeyMaterialException {
        int keyLength = checkHeader(message);
        int saltLength = (message[14] & 0xFF) * 4;
        byte[] salt = Arrays.copyOfRange(message, HEADER, HEADER + saltLength);
        SrtCrypto crypto = new SrtCrypto(salt, passphrase);
        crypto.install(message, keyLength);
        return crypto;
    }

    /** A refreshed KM (in-stream, same salt), after 2^24 packets by default: its keys replace the ones it carries. */
    void refresh(byte[] message) throws KeyMaterialException {
        int keyLength = checkHeader(message);
        byte[] newSalt = Arrays.copyOfRange(message, HEADER, HEADER + (message[14] & 0xFF) * 4);
        if (!Arrays.equals(newSalt, salt)) {
            throw new KeyMaterialException("a refreshed key with another salt", false);
        }
        install(message, keyLength);
    }

    /**
     * The packet with its payload decrypted, with the key its flags name; null when that key is
     * not known (a refresh not yet received).
     */
    Buffer decrypt(Buffer packet, int keyFlags) {
        SecretKeySpec key = keyFlags == ODD ? oddKey : evenKey;
        if (key == null || packet.length() <= SrtPacket.HEADER) {
            return null;
        }
        byte[] bytes = packet.getBytes();
        byte[] iv = Arrays.copyOf(salt, 16);
        iv[14] = 0;
        iv[15] = 0;
        int sequence = SrtPacket.sequence(packet);
        for (int i = 0; i < 4; i++) {
            iv[10 + i] ^= (byte) (sequence >>> (24 - 8 * i));
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
            cipher.doFinal(bytes, SrtPacket.HEADER, bytes.length - SrtPacket.HEADER, bytes, SrtPacket.HEADER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR over an array in place cannot fail", e);
        }
        bytes[4] &= (byte) 0xE7; // the packet is clear now
        return Buffer.buffer(bytes);
    }

    /** Checks what libsrt checks (version, type, signature, cipher, lengths); the key length. */
    private static int checkHeader(byte[] message) throws KeyMaterialException {
        if (message.length <= HEADER || message.length > MAX_KM_BYTES) {
            throw new KeyMaterialException("keying material of " + message.length + " bytes", false);
        }
        int keyFlags = message[3] & 0x3;
        int saltLength = (message[14] & 0xFF) * 4;
        int keyLength = (message[15] & 0xFF) * 4;
        int keys = keyFlags == 3 ? 2 : 1;
        boolean wellFormed = message[0] == 0x12 && message[1] == 0x20 && message[2] == 0x29 && keyFlags != 0
                && message[8] == 2 && message[9] == 0 && message[10] == 2
                && saltLength == 16 && (keyLength == 16 || keyLength == 24 || keyLength == 32)
                && message.length == HEADER + saltLength + keys * keyLength + 8;
        if (!wellFormed) {
            throw new KeyMaterialException("not an AES-CTR keying material message", false);
        }
        return keyLength;
    }

    private void install(byte[] message, int keyLength) throws KeyMaterialException {
        int keyFlags = message[3] & 0x3;
        byte[] wrapped = Arrays.copyOfRange(message, HEADER + salt.length, message.length);
        byte[] keys = unwrap(wrapped, keyEncryptingKey(keyLength));
        if (keyFlags == 3) {
            evenKey = new SecretKeySpec(keys, 0, keyLength, "AES");
            oddKey = new SecretKeySpec(keys, keyLength, keyLength, "AES");
        } else if (keyFlags == EVEN) {
            evenKey = new SecretKeySpec(keys, 0, keyLength, "AES");
        } else {
            oddKey = new SecretKeySpec(keys, 0, keyLength, "AES");
        }
    }

    /** KEK = PBKDF2-HMAC-SHA1(passphrase, the salt's last 8 bytes, 2048 iterations, key length). */
    private SecretKeySpec keyEncryptingKey(int keyLength) {
        if (keyEncryptingKey != null && keyEncryptingKey.getEncoded().length == keyLength) {
            return keyEncryptingKey;
        }
        try {
            byte[] pbkdf2Salt = Arrays.copyOfRange(salt, salt.length - PBKDF2_SALT, salt.length);
            PBEKeySpec spec = new PBEKeySpec(passphrase.toCharArray(), pbkdf2Salt, PBKDF2_ITERATIONS, keyLength * 8);
            byte[] kek = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
            keyEncryptingKey = new SecretKeySpec(kek, "AES");
            return keyEncryptingKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA1 is part of every JRE", e);
        }
    }

    /** RFC 3394 unwrap with the default IV; an integrity failure means another passphrase. */
    private static byte[] unwrap(byte[] wrapped, SecretKeySpec kek) throws KeyMaterialException {
        try {
            Cipher wrap = Cipher.getInstance("AESWrap");
            wrap.init(Cipher.UNWRAP_MODE, kek);
            Key key = wrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
            return key.getEncoded();
        } catch (InvalidKeyException e) {
            throw new KeyMaterialException("the keying material does not unwrap with our passphrase", true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AESWrap is part of every JRE", e);
        }
    }

    public static boolean isUsablePassphrase(String passphrase) {
        int bytes = passphrase.getBytes(StandardCharsets.UTF_8).length;
        return bytes >= MIN_PASSPHRASE && bytes <= MAX_PASSPHRASE;
    }
}
