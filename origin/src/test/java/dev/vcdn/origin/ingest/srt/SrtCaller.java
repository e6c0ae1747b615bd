package dev.vcdn.origin.ingest.srt;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** A caller's side of SRT encryption (HaiCrypt's layout, as libsrt writes it), for tests of the listener's side. */
final class SrtCaller {

    private SrtCaller() {
    }

    /** KEK = PBKDF2-HMAC-SHA1(passphrase, the salt's last 8 bytes, 2048 iterations): slow, derive once per salt. */
    static SecretKeySpec keyEncryptingKey(String passphrase, byte[] salt, int keyLength) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(passphrase.toCharArray(), Arrays.copyOfRange(salt, 8, 16), 2048, keyLength * 8);
        return new SecretKeySpec(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded(), "AES");
    }

    /** A KM message: header, 16-byte salt, the keys (even before odd when both) wrapped under {@code kek}. */
    static byte[] keyMaterial(int keyFlags, byte[] salt, SecretKeySpec kek, int keyLength, byte[] keys)
            throws GeneralSecurityException {
        Cipher wrap = Cipher.getInstance("AESWrap");
        wrap.init(Cipher.WRAP_MODE, kek);
        byte[] wrapped = wrap.wrap(new SecretKeySpec(keys, "AES"));
        return ByteBuffer.allocate(16 + 16 + wrapped.length)
                .put(new byte[] {0x12, 0x20, 0x29, (byte) keyFlags, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 4, (byte) (keyLength / 4)})
                .put(salt).put(wrapped).array();
    }

    /** AES-CTR with the IV libsrt uses: the salt's first 14 bytes, the sequence number XORed into bytes 10-13. */
    static byte[] encrypt(byte[] key, byte[] salt, int sequence, byte[] payload) throws GeneralSecurityException {
        byte[] iv = new byte[16];
        ByteBuffer.wrap(iv, 10, 4).putInt(sequence);
        for (int i = 0; i < 14; i++) {
            iv[i] ^= salt[i];
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return aes.doFinal(payload);
    }
}
